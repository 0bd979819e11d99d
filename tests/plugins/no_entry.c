/* A shared library that exports a function, but not the plugin entry symbol. */
__attribute__((visibility("default"))) int sluice_fixture_unrelated_function(void) {
  return 42;
}
