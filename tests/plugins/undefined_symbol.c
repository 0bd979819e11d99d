/* Links (a MODULE may leave symbols undefined) but dlopen(RTLD_NOW) fails: nothing defines this function. */
extern int sluice_fixture_function_that_does_not_exist(void);

__attribute__((visibility("default"))) int sluice_plugin_v1(void) {
  return sluice_fixture_function_that_does_not_exist();
}
