# Helpers that give every sluice target the same shape.
#
#   sluice_add_library(<name> [HEADER_ONLY] SOURCES ... [DEPS ...] [PRIVATE_DEPS ...])
#       -> target sluice_<name>, alias sluice::<name>; include root is the repository root,
#          so headers are included as "core/data/value.hpp".
#   sluice_add_plugin(<name> SOURCES ... [LIBS ...] [OUTPUT_DIR dir])
#       -> MODULE library build/plugins/<name>/libsluice_<name>.so that exports only sluice_plugin_v1.
#   sluice_add_test(<name> SOURCES ... [LIBS ...] [LABELS unit|integration|cluster] [TIMEOUT s])
#       -> gtest binary, each test case registered with ctest under the given labels.

set(SLUICE_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  list(APPEND SLUICE_WARNINGS -Wthread-safety)
endif()

function(sluice_add_library name)
  cmake_parse_arguments(A "HEADER_ONLY" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target sluice_${name})
  if(A_HEADER_ONLY)
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${A_DEPS})
  else()
    add_library(${target} STATIC ${A_SOURCES})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
    target_compile_options(${target} PRIVATE ${SLUICE_WARNINGS})
    target_link_libraries(${target} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS})
  endif()
  add_library(sluice::${name} ALIAS ${target})
endfunction()

function(sluice_add_plugin name)
  cmake_parse_arguments(A "" "OUTPUT_DIR" "SOURCES;LIBS" ${ARGN})
  set(target sluice_plugin_${name})
  if(NOT A_OUTPUT_DIR)
    set(A_OUTPUT_DIR ${SLUICE_PLUGIN_DIR}/${name})
  endif()
  add_library(${target} MODULE ${A_SOURCES})
  target_compile_options(${target} PRIVATE ${SLUICE_WARNINGS})
  target_link_libraries(${target} PRIVATE sluice::sdk ${A_LIBS})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME sluice_${name}
    LIBRARY_OUTPUT_DIRECTORY ${A_OUTPUT_DIR}
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    BUILD_RPATH "$ORIGIN"
    INSTALL_RPATH "$ORIGIN")
  # Exactly one exported symbol; nothing of libstdc++ or the plugin's own libraries leaks out.
  target_link_options(${target} PRIVATE
    -Wl,--version-script=${PROJECT_SOURCE_DIR}/cmake/plugin.map
    -Wl,--exclude-libs,ALL -Wl,--no-undefined -Wl,--enable-new-dtags)
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${PROJECT_SOURCE_DIR}/cmake/plugin.map)
endfunction()

function(sluice_add_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  add_executable(${name} ${A_SOURCES})
  target_compile_options(${name} PRIVATE ${SLUICE_WARNINGS})
  target_link_libraries(${name} PRIVATE ${A_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    SLUICE_BUILD_DIR="${CMAKE_BINARY_DIR}"
    SLUICE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SLUICE_TEST_PLUGIN_DIR="${SLUICE_TEST_PLUGIN_DIR}"
    SLUICE_PLUGIN_DIR="${SLUICE_PLUGIN_DIR}")
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT})
endfunction()

# Adds <module>/tests when it exists and tests are enabled.
macro(sluice_add_module_tests)
  if(SLUICE_BUILD_TESTS AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/tests/CMakeLists.txt)
    add_subdirectory(tests)
  endif()
endmacro()
