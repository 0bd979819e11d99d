#include "plugins/host/shared_library.hpp"

#include <dlfcn.h>

#include <utility>

namespace sluice::host {

SharedLibrary::SharedLibrary(SharedLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

SharedLibrary& SharedLibrary::operator=(SharedLibrary&& other) noexcept {
  if (this != &other) {
    reset();
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

SharedLibrary::~SharedLibrary() {
  reset();
}

SharedLibrary SharedLibrary::open(const std::filesystem::path& path, std::string& error) {
  // RTLD_NOW: a missing symbol is a load-time rejection, not a crash in the middle of a task.
  // RTLD_LOCAL: two plugins may bundle different versions of the same library.
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* text = dlerror();
    error = text != nullptr ? text : "unknown dlopen error";
    return SharedLibrary();
  }
  return SharedLibrary(handle);
}

void* SharedLibrary::symbol(const char* name) const {
  if (handle_ == nullptr) return nullptr;
  return dlsym(handle_, name);
}

void SharedLibrary::reset() {
  if (handle_ != nullptr) {
    dlclose(handle_);
    handle_ = nullptr;
  }
}

}  // namespace sluice::host
