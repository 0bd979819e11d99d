/*
 * sluice plugin ABI, version 1.
 *
 * The only contract between the sluice worker and a plugin .so. Pure C99, no dependency beyond
 * <stddef.h> and <stdint.h>; it compiles alone with -std=c99 -pedantic -Werror.
 *
 * Rules
 * - A plugin exports exactly one symbol, sluice_plugin_v1 (see SLUICE_PLUGIN_ENTRY_SYMBOL), a function
 *   returning a pointer to a static sluice_plugin_descriptor that stays valid while the library is loaded.
 * - ABI major must equal the host's; the plugin's ABI minor must be <= the host's.
 * - Every struct that may grow starts with uint32_t struct_size and only ever grows at its end. A reader
 *   checks struct_size before touching a field added in a later minor version (SLUICE_HAS_FIELD).
 * - No exception, allocator or C++ type crosses this boundary. Fallible calls return a sluice_status and
 *   describe the failure through the sluice_error the caller passes in (err->set).
 * - Ownership: everything the host passes to a plugin is borrowed for the duration of that call.
 *   Everything a plugin hands out through a callback ("emit") is borrowed for the duration of that callback.
 *   Records a source task returns from poll() stay owned by the plugin until the host calls the batch's
 *   release callback, which it does after commit_record() was called for every record of the batch (or the
 *   task is stopping), or, for a batch flagged SLUICE_BATCH_NO_COMMIT_RECORD, once it no longer reads it (it may
 *   keep such a batch until Kafka acknowledged its records, to read the offset of the last one).
 * - Threads: the host calls one task or connector instance from one thread at a time, except where a
 *   callback says otherwise (request_stop, commit_record); a batch's release callback may run on any thread.
 */
#ifndef SLUICE_PLUGIN_ABI_H
#define SLUICE_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions and identification ------------------------------------------------------------------- */

#define SLUICE_ABI_MAGIC 0x31434C53u /* "SLC1" in little-endian memory order */
#define SLUICE_ABI_VERSION_MAJOR 1
#define SLUICE_ABI_VERSION_MINOR 1 /* 1.1: sluice_record_batch.flags */
#define SLUICE_PLUGIN_ENTRY_SYMBOL "sluice_plugin_v1"

/* The platform a plugin was built for: OS, CPU and C library. The host refuses a plugin whose platform
 * string differs from its own. */
#if defined(__linux__)
#define SLUICE_ABI_OS "linux"
#elif defined(__APPLE__)
#define SLUICE_ABI_OS "darwin"
#else
#define SLUICE_ABI_OS "unknown"
#endif
#if defined(__x86_64__)
#define SLUICE_ABI_CPU "x86_64"
#elif defined(__aarch64__)
#define SLUICE_ABI_CPU "aarch64"
#else
#define SLUICE_ABI_CPU "unknown"
#endif
#if defined(__GLIBC__) || defined(__GNU_LIBRARY__)
#define SLUICE_ABI_LIBC "gnu"
#else
#define SLUICE_ABI_LIBC "other"
#endif
#define SLUICE_ABI_PLATFORM SLUICE_ABI_OS "-" SLUICE_ABI_CPU "-" SLUICE_ABI_LIBC

/* True when a struct that starts with struct_size was built with a layout that includes `field`. */
#define SLUICE_HAS_FIELD(ptr, type, field) \
  ((ptr) != NULL && (size_t)(ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ---- status and errors ------------------------------------------------------------------------------- */

typedef int32_t sluice_status;
#define SLUICE_OK 0
#define SLUICE_RETRIABLE 1 /* transient: the host retries the same call (same batch) with backoff */
#define SLUICE_FATAL 2     /* the operation failed; a task or connector goes FAILED */

/* Kinds of failure, mirroring Kafka Connect's exception taxonomy. */
typedef int32_t sluice_error_kind;
#define SLUICE_ERROR_CONNECT 0   /* org.apache.kafka.connect.errors.ConnectException */
#define SLUICE_ERROR_RETRIABLE 1 /* org.apache.kafka.connect.errors.RetriableException */
#define SLUICE_ERROR_DATA 2      /* org.apache.kafka.connect.errors.DataException */
#define SLUICE_ERROR_CONFIG 3    /* org.apache.kafka.common.config.ConfigException */

/* Filled by the host; a plugin reports why a call failed by calling err->set before returning a non-OK
 * status. `error_class` names the exception type as a user should see it (for example
 * "org.apache.kafka.connect.errors.DataException"); it may be NULL. `message` and `trace` may be NULL.
 * The host copies the strings. Calling set more than once keeps the last call. */
typedef struct sluice_error sluice_error;
struct sluice_error {
  uint32_t struct_size;
  void (*set)(sluice_error *self, sluice_error_kind kind, const char *error_class, const char *message,
              const char *trace);
  void *host_data; /* the host's; plugins never touch it */
};

/* ---- data: schemas and values --------------------------------------------------------------------------- */

typedef int32_t sluice_type;
#define SLUICE_TYPE_NULL 0 /* only for values: the null value */
#define SLUICE_TYPE_BOOLEAN 1
#define SLUICE_TYPE_INT8 2
#define SLUICE_TYPE_INT16 3
#define SLUICE_TYPE_INT32 4
#define SLUICE_TYPE_INT64 5
#define SLUICE_TYPE_FLOAT32 6
#define SLUICE_TYPE_FLOAT64 7
#define SLUICE_TYPE_STRING 8
#define SLUICE_TYPE_BYTES 9
#define SLUICE_TYPE_ARRAY 10
#define SLUICE_TYPE_MAP 11
#define SLUICE_TYPE_STRUCT 12

/* Logical types are schemas with a well-known name over a base type, exactly as in Kafka Connect:
 *   "org.apache.kafka.connect.data.Decimal"   BYTES: unscaled two's-complement big-endian integer;
 *                                             the schema parameter "scale" gives the scale.
 *   "org.apache.kafka.connect.data.Date"      INT32: days since the Unix epoch.
 *   "org.apache.kafka.connect.data.Time"      INT32: milliseconds since midnight.
 *   "org.apache.kafka.connect.data.Timestamp" INT64: milliseconds since the Unix epoch. */
#define SLUICE_LOGICAL_DECIMAL "org.apache.kafka.connect.data.Decimal"
#define SLUICE_LOGICAL_DATE "org.apache.kafka.connect.data.Date"
#define SLUICE_LOGICAL_TIME "org.apache.kafka.connect.data.Time"
#define SLUICE_LOGICAL_TIMESTAMP "org.apache.kafka.connect.data.Timestamp"

typedef struct sluice_schema sluice_schema;
typedef struct sluice_value sluice_value;

typedef struct sluice_string_pair {
  const char *key;   /* NUL-terminated, never NULL */
  const char *value; /* NUL-terminated; NULL means a null value */
} sluice_string_pair;

typedef struct sluice_field {
  const char *name;
  const sluice_schema *schema;
} sluice_field;

struct sluice_schema {
  uint32_t struct_size;
  sluice_type type; /* never SLUICE_TYPE_NULL */
  int32_t optional; /* 0 or 1 */
  int32_t has_version;
  int32_t version;
  const char *name;                  /* NULL when unnamed */
  const char *doc;                   /* NULL when none */
  const sluice_value *default_value; /* NULL when there is no default */
  const sluice_string_pair *parameters;
  size_t parameter_count;
  const sluice_schema *key_schema;   /* MAP */
  const sluice_schema *value_schema; /* MAP and ARRAY */
  const sluice_field *fields;        /* STRUCT, in order */
  size_t field_count;
};

/* A value is a tagged union. `type` is the value's own type (SLUICE_TYPE_NULL for null); for INT8..INT64
 * the number is in u.i64, FLOAT32/FLOAT64 in u.f64, BOOLEAN in u.boolean. STRING data is UTF-8 and not
 * NUL-terminated; BYTES are raw. A STRUCT value carries its schema and one value per schema field, in
 * field order. */
struct sluice_value {
  sluice_type type;
  int32_t reserved;
  union {
    int32_t boolean;
    int64_t i64;
    double f64;
    struct {
      const char *data;
      size_t size;
    } bytes; /* STRING and BYTES */
    struct {
      const sluice_value *items;
      size_t count;
    } array;
    struct {
      const sluice_value *keys;
      const sluice_value *values;
      size_t count;
    } map;
    struct {
      const sluice_schema *schema;
      const sluice_value *fields;
      size_t count;
    } strct;
  } u;
};

/* ---- records ------------------------------------------------------------------------------------------- */

#define SLUICE_NO_PARTITION (-1)
#define SLUICE_NO_TIMESTAMP INT64_MIN
#define SLUICE_NO_OFFSET (-1)

typedef int32_t sluice_timestamp_type;
#define SLUICE_TIMESTAMP_NONE 0
#define SLUICE_TIMESTAMP_CREATE_TIME 1
#define SLUICE_TIMESTAMP_LOG_APPEND_TIME 2

typedef struct sluice_header {
  const char *key;             /* NUL-terminated */
  const sluice_schema *schema; /* NULL when schemaless */
  sluice_value value;
} sluice_header;

typedef struct sluice_record {
  uint32_t struct_size;
  const char *topic;  /* NUL-terminated */
  int32_t partition;  /* SLUICE_NO_PARTITION lets the producer choose */
  int32_t reserved;
  const sluice_schema *key_schema;   /* NULL when schemaless */
  sluice_value key;
  const sluice_schema *value_schema; /* NULL when schemaless */
  sluice_value value;
  int64_t timestamp; /* ms since epoch, or SLUICE_NO_TIMESTAMP */
  sluice_timestamp_type timestamp_type;
  int32_t reserved2;
  const sluice_header *headers;
  size_t header_count;
  /* source records: where this record came from, as Kafka Connect maps with string keys and primitive
   * values (SLUICE_TYPE_MAP); NULL type (zero-initialised) when absent. */
  sluice_value source_partition;
  sluice_value source_offset;
  /* sink records: the Kafka offset the record was consumed at; SLUICE_NO_OFFSET for source records. */
  int64_t kafka_offset;
} sluice_record;

/* A batch returned by a source task's poll(). The plugin owns `records` until the host calls release(). */
typedef struct sluice_record_batch sluice_record_batch;
struct sluice_record_batch {
  uint32_t struct_size;
  const sluice_record *records;
  size_t count;
  void (*release)(sluice_record_batch *batch); /* NULL when there is nothing to release */
  void *private_data;                          /* the plugin's, for release() */
  /* Since ABI 1.1; a host reads it only when SLUICE_HAS_FIELD says the plugin wrote it. */
  uint32_t flags;
};
/* The task's commit_record does nothing for these records: the host need not call it for them, and need not
 * keep the batch for it (it releases the batch once it has read the records and no longer needs their offsets). */
#define SLUICE_BATCH_NO_COMMIT_RECORD 0x1u

/* What Kafka said about a delivered record. */
typedef struct sluice_record_metadata {
  uint32_t struct_size;
  const char *topic;
  int32_t partition;
  int32_t reserved;
  int64_t offset;
  int64_t timestamp;
} sluice_record_metadata;

typedef struct sluice_topic_partition {
  const char *topic;
  int32_t partition;
  int32_t reserved;
} sluice_topic_partition;

typedef struct sluice_topic_partition_offset {
  const char *topic;
  int32_t partition;
  int32_t reserved;
  int64_t offset; /* the next offset to consume */
} sluice_topic_partition_offset;

/* A configuration: string keys and string values (values may be NULL). */
typedef struct sluice_config {
  const sluice_string_pair *entries;
  size_t count;
} sluice_config;

/* A source offset entry for alter_offsets: partition and offset maps; offset of type NULL resets. */
typedef struct sluice_offset_entry {
  sluice_value partition;
  sluice_value offset;
} sluice_offset_entry;

/* ---- callbacks through which a plugin hands results to the host --------------------------------------- */

typedef void (*sluice_config_emit)(void *user, const sluice_config *config);
typedef void (*sluice_bytes_emit)(void *user, const char *data, size_t size, int32_t is_null);
typedef void (*sluice_data_emit)(void *user, const sluice_schema *schema, const sluice_value *value);
typedef void (*sluice_record_emit)(void *user, const sluice_record *record); /* NULL record: dropped */
typedef void (*sluice_validation_emit)(void *user, const char *config_key, const char *message);
typedef void (*sluice_value_visit)(void *user, const sluice_value *value);
typedef void (*sluice_config_data_emit)(void *user, const sluice_config *data, int64_t ttl_ms);

/* ---- host API ------------------------------------------------------------------------------------------- */

typedef int32_t sluice_log_level;
#define SLUICE_LOG_TRACE 0
#define SLUICE_LOG_DEBUG 1
#define SLUICE_LOG_INFO 2
#define SLUICE_LOG_WARN 3
#define SLUICE_LOG_ERROR 4

/* Per-instance context the host creates for each connector, task, converter, transformation, predicate
 * or config provider instance. Opaque to plugins; passed back to host API calls. */
typedef struct sluice_context sluice_context;

typedef struct sluice_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  const char *host_version;

  /* Logging: the host adds the [connector|task-N] context and routes to its logger. Any thread. */
  int32_t (*log_enabled)(const sluice_context *ctx, sluice_log_level level);
  void (*log)(const sluice_context *ctx, sluice_log_level level, const char *message, size_t size);

  /* True once the host asked this instance to stop; long-running calls should return soon. Any thread. */
  int32_t (*is_stopping)(const sluice_context *ctx);

  /* Connector context. */
  void (*request_task_reconfiguration)(sluice_context *ctx);
  void (*raise_error)(sluice_context *ctx, const char *message);

  /* Source task context: the last committed offset for a source partition (a MAP value). Calls visit
   * with the offset map (borrowed for the callback) and returns 1, or returns 0 when none is stored. */
  int32_t (*offset_read)(sluice_context *ctx, const sluice_value *partition, sluice_value_visit visit,
                         void *user);

  /* Sink task context (SinkTaskContext). Call from the task's own calls. */
  void (*sink_seek)(sluice_context *ctx, const char *topic, int32_t partition, int64_t offset);
  void (*sink_set_timeout)(sluice_context *ctx, int64_t timeout_ms);
  void (*sink_pause)(sluice_context *ctx, const char *topic, int32_t partition);
  void (*sink_resume)(sluice_context *ctx, const char *topic, int32_t partition);
  void (*sink_request_commit)(sluice_context *ctx);
  /* Writes up to `capacity` assigned partitions to `out`; returns how many are assigned in total. */
  size_t (*sink_assignment)(sluice_context *ctx, sluice_topic_partition *out, size_t capacity);
  /* Errant-record reporter: hands a record the task cannot write to errors.tolerance and the DLQ.
   * Returns SLUICE_OK when the record was tolerated (logged and/or sent to the DLQ), SLUICE_FATAL when
   * tolerance is none (the task should fail). */
  sluice_status (*errant_record_report)(sluice_context *ctx, const sluice_record *record,
                                        const char *error_class, const char *message);
} sluice_host_api;

/* ---- config definitions ------------------------------------------------------------------------------- */

typedef int32_t sluice_config_type;
#define SLUICE_CONFIG_BOOLEAN 0
#define SLUICE_CONFIG_STRING 1
#define SLUICE_CONFIG_INT 2
#define SLUICE_CONFIG_SHORT 3
#define SLUICE_CONFIG_LONG 4
#define SLUICE_CONFIG_DOUBLE 5
#define SLUICE_CONFIG_LIST 6
#define SLUICE_CONFIG_CLASS 7
#define SLUICE_CONFIG_PASSWORD 8

typedef int32_t sluice_importance;
#define SLUICE_IMPORTANCE_HIGH 0
#define SLUICE_IMPORTANCE_MEDIUM 1
#define SLUICE_IMPORTANCE_LOW 2

typedef int32_t sluice_width;
#define SLUICE_WIDTH_NONE 0
#define SLUICE_WIDTH_SHORT 1
#define SLUICE_WIDTH_MEDIUM 2
#define SLUICE_WIDTH_LONG 3

/* One config key, as Kafka's ConfigDef.ConfigKey. Declarative validators run in the host (range for
 * numbers, a fixed set of valid strings, non-empty string); `validate` adds a custom check. */
typedef struct sluice_config_key {
  uint32_t struct_size;
  const char *name;
  sluice_config_type type;
  sluice_importance importance;
  int32_t has_default;         /* 0: required; 1: default_value applies (which may be NULL = null) */
  int32_t non_empty_string;    /* 1: "String must be non-empty" */
  const char *default_value;   /* rendered as Kafka would parse it: "2000", "true", "a,b" */
  const char *documentation;
  const char *group;           /* NULL: none */
  int32_t order_in_group;      /* -1: none */
  sluice_width width;
  const char *display_name;    /* NULL: the key name */
  int32_t has_min;
  int32_t has_max;
  double min;
  double max;
  const char *const *valid_values; /* NULL: any value */
  size_t valid_value_count;
  const char *const *dependents;
  size_t dependent_count;
  /* Optional custom validator for a parsed value's string form; NULL when none. */
  sluice_status (*validate)(const char *name, const char *value, sluice_error *err);
} sluice_config_key;

/* ---- kind-specific vtables ------------------------------------------------------------------------------
 * Each starts with struct_size, create and destroy. create() gets the host API and the instance's
 * context (both valid until destroy) and returns the instance, or NULL after setting err. */

typedef struct sluice_source_task_vtable {
  uint32_t struct_size;
  void *(*create)(const sluice_host_api *host, sluice_context *ctx, sluice_error *err);
  void (*destroy)(void *self);
  sluice_status (*start)(void *self, const sluice_config *config, sluice_error *err);
  /* Fills `out` with the next records (count 0 when there are none right now; the call should not block
   * for more than about a second). */
  sluice_status (*poll)(void *self, sluice_record_batch *out, sluice_error *err);
  /* Optional. Called after offsets up to now were flushed. */
  sluice_status (*commit)(void *self, sluice_error *err);
  /* Optional. Called once per record after Kafka acknowledged it (metadata non-NULL) or after a transform
   * dropped it (metadata NULL). May run on the producer's thread, concurrently with poll(). */
  sluice_status (*commit_record)(void *self, const sluice_record *record,
                                 const sluice_record_metadata *metadata, sluice_error *err);
  /* Optional. May be called from any thread while poll() runs, to make poll() return soon. */
  void (*request_stop)(void *self);
  sluice_status (*stop)(void *self, sluice_error *err);
} sluice_source_task_vtable;

typedef struct sluice_sink_task_vtable {
  uint32_t struct_size;
  void *(*create)(const sluice_host_api *host, sluice_context *ctx, sluice_error *err);
  void (*destroy)(void *self);
  sluice_status (*start)(void *self, const sluice_config *config, sluice_error *err);
  /* Optional: partitions assigned / revoked. */
  sluice_status (*open)(void *self, const sluice_topic_partition *partitions, size_t count,
                        sluice_error *err);
  sluice_status (*close)(void *self, const sluice_topic_partition *partitions, size_t count,
                         sluice_error *err);
  /* Records are borrowed for this call. SLUICE_RETRIABLE: the host retries the same batch. */
  sluice_status (*put)(void *self, const sluice_record *records, size_t count, sluice_error *err);
  /* Optional: make everything put so far durable. */
  sluice_status (*flush)(void *self, const sluice_topic_partition_offset *current, size_t count,
                         sluice_error *err);
  /* Optional: writes the offsets safe to commit to `out` (capacity `count`) and their number to
   * `*out_count`. When absent the host calls flush() and commits `current`. */
  sluice_status (*pre_commit)(void *self, const sluice_topic_partition_offset *current, size_t count,
                              sluice_topic_partition_offset *out, size_t *out_count, sluice_error *err);
  sluice_status (*stop)(void *self, sluice_error *err);
} sluice_sink_task_vtable;

/* Source and sink connectors share one vtable shape; `source_task` or `sink_task` names the task. */
typedef struct sluice_connector_vtable {
  uint32_t struct_size;
  void *(*create)(const sluice_host_api *host, sluice_context *ctx, sluice_error *err);
  void (*destroy)(void *self);
  sluice_status (*start)(void *self, const sluice_config *config, sluice_error *err);
  /* Calls emit once per task config; a connector should emit at most max_tasks configs (the host
   * enforces tasks.max and tasks.max.enforce). */
  sluice_status (*task_configs)(void *self, int32_t max_tasks, sluice_config_emit emit, void *user,
                                sluice_error *err);
  sluice_status (*stop)(void *self, sluice_error *err);
  /* Optional: connector-level validation beyond the per-key definitions (Connector.validate). Runs on a
   * created, unstarted instance. */
  sluice_status (*validate)(void *self, const sluice_config *config, sluice_validation_emit emit,
                            void *user, sluice_error *err);
  /* Optional: accept or reject an offsets change made through the REST API (Connector.alterOffsets).
   * Sets *handled to 1 when the connector manages the change itself (Kafka's `true`). Sink connectors get
   * partitions {"kafka_topic","kafka_partition"} and offsets {"kafka_offset"}. */
  sluice_status (*alter_offsets)(void *self, const sluice_config *config,
                                 const sluice_offset_entry *offsets, size_t count, int32_t *handled,
                                 sluice_error *err);
  const sluice_source_task_vtable *source_task; /* source connectors */
  const sluice_sink_task_vtable *sink_task;     /* sink connectors */
} sluice_connector_vtable;

typedef struct sluice_converter_vtable {
  uint32_t struct_size;
  void *(*create)(const sluice_host_api *host, sluice_context *ctx, sluice_error *err);
  void (*destroy)(void *self);
  sluice_status (*configure)(void *self, const sluice_config *config, int32_t is_key, sluice_error *err);
  /* Connect data -> bytes: calls emit exactly once on success. */
  sluice_status (*from_connect)(void *self, const char *topic, const sluice_header *headers,
                                size_t header_count, const sluice_schema *schema, const sluice_value *value,
                                sluice_bytes_emit emit, void *user, sluice_error *err);
  /* Bytes -> Connect data: calls emit exactly once on success (schema may be NULL). */
  sluice_status (*to_connect)(void *self, const char *topic, const sluice_header *headers,
                              size_t header_count, const char *data, size_t size, int32_t is_null,
                              sluice_data_emit emit, void *user, sluice_error *err);
} sluice_converter_vtable;

typedef struct sluice_header_converter_vtable {
  uint32_t struct_size;
  void *(*create)(const sluice_host_api *host, sluice_context *ctx, sluice_error *err);
  void (*destroy)(void *self);
  sluice_status (*configure)(void *self, const sluice_config *config, sluice_error *err);
  sluice_status (*from_connect)(void *self, const char *topic, const char *header_key,
                                const sluice_schema *schema, const sluice_value *value,
                                sluice_bytes_emit emit, void *user, sluice_error *err);
  sluice_status (*to_connect)(void *self, const char *topic, const char *header_key, const char *data,
                              size_t size, int32_t is_null, sluice_data_emit emit, void *user,
                              sluice_error *err);
} sluice_header_converter_vtable;

typedef struct sluice_transformation_vtable {
  uint32_t struct_size;
  void *(*create)(const sluice_host_api *host, sluice_context *ctx, sluice_error *err);
  void (*destroy)(void *self);
  sluice_status (*configure)(void *self, const sluice_config *config, sluice_error *err);
  /* Calls emit exactly once on success: with the transformed record, or with NULL to drop it. */
  sluice_status (*apply)(void *self, const sluice_record *record, sluice_record_emit emit, void *user,
                         sluice_error *err);
} sluice_transformation_vtable;

typedef struct sluice_predicate_vtable {
  uint32_t struct_size;
  void *(*create)(const sluice_host_api *host, sluice_context *ctx, sluice_error *err);
  void (*destroy)(void *self);
  sluice_status (*configure)(void *self, const sluice_config *config, sluice_error *err);
  sluice_status (*test)(void *self, const sluice_record *record, int32_t *result, sluice_error *err);
} sluice_predicate_vtable;

typedef struct sluice_config_provider_vtable {
  uint32_t struct_size;
  void *(*create)(const sluice_host_api *host, sluice_context *ctx, sluice_error *err);
  void (*destroy)(void *self);
  sluice_status (*configure)(void *self, const sluice_config *config, sluice_error *err);
  /* Looks up `keys` (all keys at `path` when key_count is 0) and calls emit once with what it found;
   * ttl_ms < 0 means no expiry. */
  sluice_status (*get)(void *self, const char *path, const char *const *keys, size_t key_count,
                       sluice_config_data_emit emit, void *user, sluice_error *err);
} sluice_config_provider_vtable;

/* ---- components and the plugin descriptor -------------------------------------------------------------- */

typedef int32_t sluice_component_kind;
#define SLUICE_COMPONENT_SOURCE_CONNECTOR 1 /* vtable: sluice_connector_vtable with source_task */
#define SLUICE_COMPONENT_SINK_CONNECTOR 2   /* vtable: sluice_connector_vtable with sink_task */
#define SLUICE_COMPONENT_CONVERTER 3        /* vtable: sluice_converter_vtable */
#define SLUICE_COMPONENT_HEADER_CONVERTER 4 /* vtable: sluice_header_converter_vtable */
#define SLUICE_COMPONENT_TRANSFORMATION 5   /* vtable: sluice_transformation_vtable */
#define SLUICE_COMPONENT_PREDICATE 6        /* vtable: sluice_predicate_vtable */
#define SLUICE_COMPONENT_CONFIG_PROVIDER 7  /* vtable: sluice_config_provider_vtable */

typedef struct sluice_component {
  uint32_t struct_size;
  sluice_component_kind kind;
  const char *class_name; /* unique across every loaded plugin, e.g. "org.example.MySourceConnector" */
  const char *const *aliases;
  size_t alias_count;
  const char *version; /* NULL: the plugin's version */
  const char *documentation;
  const sluice_config_key *config_keys;
  size_t config_key_count;
  const void *vtable; /* points to the kind's vtable struct, which starts with struct_size */
} sluice_component;

typedef struct sluice_plugin_descriptor {
  uint32_t magic; /* SLUICE_ABI_MAGIC */
  uint32_t struct_size;
  uint16_t abi_major; /* SLUICE_ABI_VERSION_MAJOR the plugin was built with */
  uint16_t abi_minor; /* SLUICE_ABI_VERSION_MINOR the plugin was built with */
  uint32_t reserved;
  const char *name;     /* plugin name, e.g. "file" */
  const char *version;  /* plugin version, e.g. "1.0.0" */
  const char *platform; /* SLUICE_ABI_PLATFORM the plugin was built for */
  const sluice_component *components;
  size_t component_count;
  /* Optional: called once after the checks pass, before any component is used. */
  sluice_status (*init)(const sluice_host_api *host, sluice_error *err);
} sluice_plugin_descriptor;

/* The one exported symbol. */
typedef const sluice_plugin_descriptor *(*sluice_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* SLUICE_PLUGIN_ABI_H */
