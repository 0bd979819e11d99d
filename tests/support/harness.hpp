#pragma once
// Everything the test harness offers, in one include.

#include "tests/support/dev_kafka.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/wait.hpp"
