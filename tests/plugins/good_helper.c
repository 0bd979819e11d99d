/* A private dependency of the good fixture: it lives next to the plugin and is found through RUNPATH $ORIGIN.
 * It exports no entry symbol, so discovery treats it as a dependency, not as a plugin. */
__attribute__((visibility("default"))) const char* sluice_fixture_helper_greeting(void) {
  return "hello from helper";
}
