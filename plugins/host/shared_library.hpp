#pragma once
// RAII owner of one dlopen() handle. The only place in sluice that calls dlopen/dlclose.

#include <filesystem>
#include <string>

namespace sluice::host {

// Owns a handle from dlopen(RTLD_NOW | RTLD_LOCAL); dlclose() runs in the destructor. Move-only.
// Callers keep it alive for as long as any code or data of the library may still be used: the registry
// shares accepted libraries with every instance created from them, so a plugin is never unmapped while
// one of its objects lives.
class SharedLibrary {
 public:
  SharedLibrary() = default;
  SharedLibrary(SharedLibrary&& other) noexcept;
  SharedLibrary& operator=(SharedLibrary&& other) noexcept;
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;
  ~SharedLibrary();

  // Loads `path`; on failure returns an empty handle and sets `error` to dlerror()'s text.
  static SharedLibrary open(const std::filesystem::path& path, std::string& error);

  bool loaded() const { return handle_ != nullptr; }
  // The address of an exported symbol, or nullptr.
  void* symbol(const char* name) const;

 private:
  explicit SharedLibrary(void* handle) : handle_(handle) {}
  void reset();

  void* handle_ = nullptr;
};

}  // namespace sluice::host
