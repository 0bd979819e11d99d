#include "plugins/host/elf_inspect.hpp"

#include <elf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>

namespace sluice::host {
namespace {

constexpr std::string_view kEntryPrefix = "sluice_plugin_v";

bool read_at(std::ifstream& in, std::uint64_t offset, void* out, std::size_t size) {
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(static_cast<char*>(out), static_cast<std::streamsize>(size));
  return static_cast<std::size_t>(in.gcount()) == size;
}

const char* describe_elf_type(std::uint16_t type) {
  switch (type) {
    case ET_EXEC: return "an ELF executable";
    case ET_REL: return "an ELF relocatable object file";
    case ET_CORE: return "an ELF core file";
    default: return "an ELF file of an unknown type";
  }
}

// Symbols of the dynamic symbol table (SHT_DYNSYM), the table the dynamic linker resolves dlsym() from.
// Only native 64-bit little-endian files are read; anything else is left to dlopen() to refuse.
std::optional<std::vector<std::string>> read_entry_symbols(std::ifstream& in, const Elf64_Ehdr& header) {
  if (header.e_shoff == 0 || header.e_shnum == 0 || header.e_shentsize < sizeof(Elf64_Shdr))
    return std::nullopt;
  std::vector<Elf64_Shdr> sections(header.e_shnum);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (!read_at(in, header.e_shoff + i * header.e_shentsize, &sections[i], sizeof(Elf64_Shdr)))
      return std::nullopt;
  }
  std::vector<std::string> found;
  bool saw_dynsym = false;
  for (const auto& section : sections) {
    if (section.sh_type != SHT_DYNSYM) continue;
    saw_dynsym = true;
    if (section.sh_link >= sections.size() || section.sh_entsize < sizeof(Elf64_Sym)) return std::nullopt;
    const auto& strtab = sections[section.sh_link];
    // Plugins are small; a dynamic string table beyond 64 MiB means a corrupt header, not a plugin.
    if (strtab.sh_size > (64u << 20)) return std::nullopt;
    std::string strings(strtab.sh_size, '\0');
    if (!read_at(in, strtab.sh_offset, strings.data(), strings.size())) return std::nullopt;
    const std::uint64_t count = section.sh_size / section.sh_entsize;
    for (std::uint64_t i = 0; i < count; ++i) {
      Elf64_Sym sym;
      if (!read_at(in, section.sh_offset + i * section.sh_entsize, &sym, sizeof sym)) return std::nullopt;
      if (sym.st_shndx == SHN_UNDEF || sym.st_name >= strings.size()) continue;
      const unsigned char binding = ELF64_ST_BIND(sym.st_info);
      if (binding != STB_GLOBAL && binding != STB_WEAK) continue;
      const unsigned char visibility = ELF64_ST_VISIBILITY(sym.st_other);
      if (visibility != STV_DEFAULT && visibility != STV_PROTECTED) continue;
      std::string name(strings.c_str() + sym.st_name);
      if (entry_symbol_version(name)) found.push_back(std::move(name));
    }
  }
  if (!saw_dynsym) return std::vector<std::string>{};
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    return *entry_symbol_version(a) < *entry_symbol_version(b);
  });
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

}  // namespace

bool ElfInspection::exports(const std::string& symbol) const {
  return entry_symbols &&
         std::find(entry_symbols->begin(), entry_symbols->end(), symbol) != entry_symbols->end();
}

std::optional<unsigned> entry_symbol_version(const std::string& symbol) {
  if (symbol.size() <= kEntryPrefix.size() || symbol.compare(0, kEntryPrefix.size(), kEntryPrefix) != 0) {
    return std::nullopt;
  }
  unsigned version = 0;
  for (std::size_t i = kEntryPrefix.size(); i < symbol.size(); ++i) {
    const char c = symbol[i];
    if (c < '0' || c > '9' || version > 100000) return std::nullopt;
    version = version * 10 + static_cast<unsigned>(c - '0');
  }
  return version;
}

ElfInspection inspect_elf(const std::filesystem::path& path) {
  ElfInspection result;
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    result.status = ElfInspection::Status::Unreadable;
    result.detail = errno != 0 ? std::strerror(errno) : "cannot be opened";
    return result;
  }
  unsigned char ident[EI_NIDENT] = {};
  in.read(reinterpret_cast<char*>(ident), sizeof ident);
  if (in.gcount() < SELFMAG || std::memcmp(ident, ELFMAG, SELFMAG) != 0) {
    result.status = ElfInspection::Status::NotElf;
    return result;
  }
  // e_type sits at the same offset with the same width in both ELF classes.
  std::uint16_t type = 0;
  const bool native_order = ident[EI_DATA] == ELFDATA2LSB;
  if (!read_at(in, EI_NIDENT, &type, sizeof type)) {
    result.status = ElfInspection::Status::NotElf;
    return result;
  }
  if (!native_order) type = static_cast<std::uint16_t>((type >> 8) | (type << 8));
  if (type != ET_DYN) {
    result.status = ElfInspection::Status::NotSharedObject;
    result.detail = describe_elf_type(type);
    return result;
  }
  result.status = ElfInspection::Status::SharedObject;
  if (ident[EI_CLASS] == ELFCLASS64 && native_order) {
    Elf64_Ehdr header;
    if (read_at(in, 0, &header, sizeof header)) result.entry_symbols = read_entry_symbols(in, header);
  }
  return result;
}

}  // namespace sluice::host
