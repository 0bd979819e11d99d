/* A plugin built for a future ABI 2: it exports only sluice_plugin_v2. */
#include <stddef.h>

__attribute__((visibility("default"))) const void* sluice_plugin_v2(void) {
  return NULL;
}
