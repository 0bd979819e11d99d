/*
 * One minimal plugin, compiled once per load-time failure with FIXTURE_* definitions that break exactly one
 * rule (see CMakeLists.txt). Without any definition it is a valid plugin with one converter.
 */
#include <sluice/plugin_abi.h>

#include <stddef.h>

#define FIXTURE_EXPORT __attribute__((visibility("default")))

#ifndef FIXTURE_MAGIC
#define FIXTURE_MAGIC SLUICE_ABI_MAGIC
#endif
#ifndef FIXTURE_STRUCT_SIZE
#define FIXTURE_STRUCT_SIZE sizeof(sluice_plugin_descriptor)
#endif
#ifndef FIXTURE_ABI_MAJOR
#define FIXTURE_ABI_MAJOR SLUICE_ABI_VERSION_MAJOR
#endif
#ifndef FIXTURE_ABI_MINOR
#define FIXTURE_ABI_MINOR SLUICE_ABI_VERSION_MINOR
#endif
#ifndef FIXTURE_PLATFORM
#define FIXTURE_PLATFORM SLUICE_ABI_PLATFORM
#endif
#ifndef FIXTURE_CLASS
#define FIXTURE_CLASS "org.sluice.fixture.BrokenConverter"
#endif
#ifndef FIXTURE_ALIAS
#define FIXTURE_ALIAS "BrokenConverter"
#endif

static int instance_storage;

static void* fx_create(const sluice_host_api* host, sluice_context* ctx, sluice_error* err) {
  (void)host;
  (void)ctx;
  (void)err;
  return &instance_storage;
}

static void fx_destroy(void* self) {
  (void)self;
}

static sluice_status fx_configure(void* self, const sluice_config* config, int32_t is_key,
                                  sluice_error* err) {
  (void)self;
  (void)config;
  (void)is_key;
  (void)err;
  return SLUICE_OK;
}

static sluice_status fx_from_connect(void* self, const char* topic, const sluice_header* headers,
                                     size_t header_count, const sluice_schema* schema,
                                     const sluice_value* value, sluice_bytes_emit emit, void* user,
                                     sluice_error* err) {
  (void)self;
  (void)topic;
  (void)headers;
  (void)header_count;
  (void)schema;
  (void)value;
  (void)err;
  emit(user, NULL, 0, 1);
  return SLUICE_OK;
}

static sluice_status fx_to_connect(void* self, const char* topic, const sluice_header* headers,
                                   size_t header_count, const char* data, size_t size, int32_t is_null,
                                   sluice_data_emit emit, void* user, sluice_error* err) {
  static const sluice_value null_value = {SLUICE_TYPE_NULL, 0, {0}};
  (void)self;
  (void)topic;
  (void)headers;
  (void)header_count;
  (void)data;
  (void)size;
  (void)is_null;
  (void)err;
  emit(user, NULL, &null_value);
  return SLUICE_OK;
}

static const sluice_converter_vtable converter_vtable = {
    sizeof(sluice_converter_vtable), fx_create, fx_destroy, fx_configure, fx_from_connect, fx_to_connect};

static const char* const aliases[] = {FIXTURE_ALIAS};

#ifdef FIXTURE_DUPLICATE_CONFIG_KEY
static const sluice_config_key config_keys[] = {
    {sizeof(sluice_config_key),
     "topic",
     SLUICE_CONFIG_STRING,
     SLUICE_IMPORTANCE_HIGH,
     0,
     0,
     NULL,
     "The topic.",
     NULL,
     -1,
     SLUICE_WIDTH_NONE,
     NULL,
     0,
     0,
     0.0,
     0.0,
     NULL,
     0,
     NULL,
     0,
     NULL},
    {sizeof(sluice_config_key),
     "topic",
     SLUICE_CONFIG_STRING,
     SLUICE_IMPORTANCE_HIGH,
     0,
     0,
     NULL,
     "The topic again.",
     NULL,
     -1,
     SLUICE_WIDTH_NONE,
     NULL,
     0,
     0,
     0.0,
     0.0,
     NULL,
     0,
     NULL,
     0,
     NULL},
};
#define FIXTURE_CONFIG_KEYS config_keys
#define FIXTURE_CONFIG_KEY_COUNT 2
#elif defined(FIXTURE_BAD_DEFAULT)
/* Well-formed, but the default does not parse as the key's type. */
static const sluice_config_key config_keys[] = {
    {sizeof(sluice_config_key),
     "batch.size",
     SLUICE_CONFIG_INT,
     SLUICE_IMPORTANCE_LOW,
     1,
     0,
     "lots",
     "Batch size.",
     NULL,
     -1,
     SLUICE_WIDTH_NONE,
     NULL,
     0,
     0,
     0.0,
     0.0,
     NULL,
     0,
     NULL,
     0,
     NULL},
};
#define FIXTURE_CONFIG_KEYS config_keys
#define FIXTURE_CONFIG_KEY_COUNT 1
#else
#define FIXTURE_CONFIG_KEYS NULL
#define FIXTURE_CONFIG_KEY_COUNT 0
#endif

#ifdef FIXTURE_MISSING_POLL
/* A source connector whose task vtable lacks poll(), a required callback. */
static sluice_status fx_start(void* self, const sluice_config* config, sluice_error* err) {
  (void)self;
  (void)config;
  (void)err;
  return SLUICE_OK;
}
static sluice_status fx_stop(void* self, sluice_error* err) {
  (void)self;
  (void)err;
  return SLUICE_OK;
}
static sluice_status fx_task_configs(void* self, int32_t max_tasks, sluice_config_emit emit, void* user,
                                     sluice_error* err) {
  (void)self;
  (void)max_tasks;
  (void)emit;
  (void)user;
  (void)err;
  return SLUICE_OK;
}
static const sluice_source_task_vtable task_vtable = {sizeof(sluice_source_task_vtable),
                                                      fx_create,
                                                      fx_destroy,
                                                      fx_start,
                                                      NULL /* poll */,
                                                      NULL,
                                                      NULL,
                                                      NULL,
                                                      fx_stop};
static const sluice_connector_vtable connector_vtable = {sizeof(sluice_connector_vtable),
                                                         fx_create,
                                                         fx_destroy,
                                                         fx_start,
                                                         fx_task_configs,
                                                         fx_stop,
                                                         NULL,
                                                         NULL,
                                                         &task_vtable,
                                                         NULL};
#define FIXTURE_KIND SLUICE_COMPONENT_SOURCE_CONNECTOR
#define FIXTURE_VTABLE &connector_vtable
#else
#define FIXTURE_KIND SLUICE_COMPONENT_CONVERTER
#define FIXTURE_VTABLE &converter_vtable
#endif

static const sluice_component components[] = {
#ifdef FIXTURE_MISSING_POLL
    /* A valid component first: the check names the broken one. */
    {sizeof(sluice_component), SLUICE_COMPONENT_CONVERTER, "org.sluice.fixture.HelperConverter", NULL, 0,
     NULL, NULL, NULL, 0, &converter_vtable},
#endif
    {sizeof(sluice_component), FIXTURE_KIND, FIXTURE_CLASS, aliases, 1, "0.1.0", "A fixture component.",
     FIXTURE_CONFIG_KEYS, FIXTURE_CONFIG_KEY_COUNT, FIXTURE_VTABLE},
};

#ifdef FIXTURE_INIT_FAILS
static sluice_status fx_init(const sluice_host_api* host, sluice_error* err) {
  (void)host;
  err->set(err, SLUICE_ERROR_CONNECT, NULL, "license file /etc/fixture/license.key is missing", NULL);
  return SLUICE_FATAL;
}
#define FIXTURE_INIT fx_init
#else
#define FIXTURE_INIT NULL
#endif

static const sluice_plugin_descriptor descriptor = {FIXTURE_MAGIC,
                                                    FIXTURE_STRUCT_SIZE,
                                                    FIXTURE_ABI_MAJOR,
                                                    FIXTURE_ABI_MINOR,
                                                    0,
                                                    "fixture",
                                                    "0.1.0",
                                                    FIXTURE_PLATFORM,
                                                    components,
                                                    sizeof components / sizeof components[0],
                                                    FIXTURE_INIT};

FIXTURE_EXPORT const sluice_plugin_descriptor* sluice_plugin_v1(void) {
#ifdef FIXTURE_NULL_DESCRIPTOR
  (void)descriptor;
  return NULL;
#else
  return &descriptor;
#endif
}
