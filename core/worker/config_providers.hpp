#pragma once
// Kafka's built-in config providers, registered in the plugin catalog like every other plugin (app/ adds
// builtin_config_providers() next to the converters and transformations). Workers name them in
// config.providers / config.providers.<name>.class and configure them with config.providers.<name>.param.*;
// the herder's ConfigTransformer resolves ${<name>:<path>:<key>} with them when a connector or task starts.
//
//   org.apache.kafka.common.config.provider.FileConfigProvider (FileConfigProvider, File)
//       ${file:/etc/secrets.properties:db.password}: a key of a Java properties file. Param allowed.paths.
//   org.apache.kafka.common.config.provider.DirectoryConfigProvider (DirectoryConfigProvider, Directory)
//       ${directory:/run/secrets:db-password}: the content of a regular file in a directory (key = file name,
//       value = the whole file). Param allowed.paths.
//   org.apache.kafka.common.config.provider.EnvVarConfigProvider (EnvVarConfigProvider, EnvVar)
//       ${env:DB_PASSWORD}: an environment variable (no path). Param allowlist.pattern (a regex the variable
//       name must match).
//
// As Kafka: an empty path gives nothing; a file or directory outside allowed.paths gives nothing (WARN "The
// path <p> is not allowed to be accessed"); keys the source does not have are absent, so the placeholder
// stays as it is. Unreadable sources throw ConfigError with Kafka's messages ("Could not read properties from
// file <p>", "Could not list directory <d>", "Could not read file <f> for property <name>", "Path is not
// supported for EnvVarConfigProvider, invalid value '<p>'"). Values are never logged.
//
// Instances are created and configured by the herder and called from one thread at a time.

#include <vector>

#include "core/api/builtin.hpp"

namespace sluice::worker {

std::vector<api::BuiltinPlugin> builtin_config_providers();

}  // namespace sluice::worker
