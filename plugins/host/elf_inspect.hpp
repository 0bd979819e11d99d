#pragma once
// Reads just enough of an ELF file to decide, without loading it, whether it is a shared library and which
// sluice entry symbols (sluice_plugin_v<N>) it exports. Discovery uses this to tell a plugin from its
// private dependencies, and the loader to run the "not a shared library" check before dlopen().

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sluice::host {

struct ElfInspection {
  enum class Status {
    SharedObject,     // an ELF file of type ET_DYN
    NotElf,           // does not start with the ELF magic bytes
    NotSharedObject,  // ELF, but an executable, object file or core file
    Unreadable,       // could not be opened or read
  };
  Status status = Status::NotElf;
  // NotSharedObject: what it is instead ("an ELF executable"); Unreadable: the system's error text.
  std::string detail;
  // Defined, exported sluice_plugin_v<N> symbols, sorted by N. nullopt when the dynamic symbol table
  // could not be read (a foreign ELF class or byte order); dlopen() then has the last word.
  std::optional<std::vector<std::string>> entry_symbols;

  bool exports(const std::string& symbol) const;
  bool exports_any_entry() const { return entry_symbols && !entry_symbols->empty(); }
};

ElfInspection inspect_elf(const std::filesystem::path& path);

// N of "sluice_plugin_v<N>", or nullopt when `symbol` has another shape.
std::optional<unsigned> entry_symbol_version(const std::string& symbol);

}  // namespace sluice::host
