#pragma once
// Everything a plugin author needs: the data model, records, config definitions, logging, the base classes
// and the SLUICE_PLUGIN export macro. java_format.hpp (Java-style toString of values) is separate.

#include "sluice/sdk/abi_data.hpp"
#include "sluice/sdk/components.hpp"
#include "sluice/sdk/config.hpp"
#include "sluice/sdk/connect.hpp"
#include "sluice/sdk/data.hpp"
#include "sluice/sdk/errors.hpp"
#include "sluice/sdk/logging.hpp"
#include "sluice/sdk/plugin.hpp"
#include "sluice/sdk/records.hpp"
