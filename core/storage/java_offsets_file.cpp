#include "core/storage/java_offsets_file.hpp"

#include <cstdint>
#include <map>

#include "core/common/errors.hpp"

namespace sluice::storage {
namespace {

// java.io.ObjectStreamConstants.
constexpr std::uint8_t kNull = 0x70;
constexpr std::uint8_t kReference = 0x71;
constexpr std::uint8_t kClassDesc = 0x72;
constexpr std::uint8_t kObject = 0x73;
constexpr std::uint8_t kArray = 0x75;
constexpr std::uint8_t kBlockData = 0x77;
constexpr std::uint8_t kEndBlockData = 0x78;
constexpr std::uint32_t kBaseHandle = 0x7E0000;

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> read_map() {
    if (u16() != 0xACED || u16() != 0x0005) fail("not a Java serialization stream");
    expect(kObject, "a serialized object");
    const ClassInfo map_class = class_desc();
    if (map_class.name != "java.util.HashMap") fail("the object is a " + map_class.name + ", not a java.util.HashMap");
    new_handle();  // the HashMap itself
    skip(map_class.field_bytes);  // loadFactor and threshold
    expect(kBlockData, "the HashMap's block data");
    const std::uint8_t block = u8();
    if (block != 8) fail("unexpected HashMap block data length " + std::to_string(block));
    (void)u32();  // capacity
    const std::uint32_t size = u32();
    std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> out;
    for (std::uint32_t i = 0; i < size; ++i) {
      auto key = byte_array();
      auto value = byte_array();
      out.emplace_back(std::move(key), std::move(value));
    }
    expect(kEndBlockData, "the end of the HashMap");
    return out;
  }

 private:
  struct ClassInfo {
    std::string name;
    std::size_t field_bytes = 0;
  };

  [[noreturn]] void fail(const std::string& what) const {
    throw DataError("Java-serialized offsets: " + what + " at byte " + std::to_string(pos_));
  }
  void need(std::size_t n) const {
    if (bytes_.size() - pos_ < n) fail("unexpected end of data");
  }
  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(bytes_[pos_++]);
  }
  std::uint16_t u16() {
    const std::uint16_t hi = u8();
    return static_cast<std::uint16_t>((hi << 8) | u8());
  }
  std::uint32_t u32() {
    const std::uint32_t hi = u16();
    return (hi << 16) | u16();
  }
  void skip(std::size_t n) {
    need(n);
    pos_ += n;
  }
  std::string utf() {
    const std::uint16_t n = u16();
    need(n);
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  void expect(std::uint8_t code, const std::string& what) {
    const std::size_t at = pos_;
    if (u8() != code) {
      pos_ = at;
      fail("expected " + what);
    }
  }
  std::uint32_t new_handle() { return next_handle_++; }

  // A new class description (TC_CLASSDESC already read by the caller when `tag_read`).
  ClassInfo class_desc(bool tag_read = false) {
    if (!tag_read) expect(kClassDesc, "a class description");
    ClassInfo info;
    info.name = utf();
    skip(8);  // serialVersionUID
    (void)u8();  // flags
    const std::uint16_t fields = u16();
    for (std::uint16_t f = 0; f < fields; ++f) {
      const char type = static_cast<char>(u8());
      (void)utf();
      switch (type) {
        case 'B': case 'Z': info.field_bytes += 1; break;
        case 'C': case 'S': info.field_bytes += 2; break;
        case 'I': case 'F': info.field_bytes += 4; break;
        case 'J': case 'D': info.field_bytes += 8; break;
        default: fail("object fields are not supported in " + info.name);
      }
    }
    expect(kEndBlockData, "the end of the class annotations of " + info.name);
    expect(kNull, "no superclass for " + info.name);
    class_handles_[new_handle()] = info.name;
    return info;
  }

  std::optional<std::string> byte_array() {
    const std::uint8_t tag = u8();
    if (tag == kNull) return std::nullopt;
    if (tag == kReference) {
      const auto it = arrays_.find(u32());
      if (it == arrays_.end()) fail("a reference to an unknown byte array");
      return it->second;
    }
    if (tag != kArray) {
      --pos_;
      fail("expected a byte array or null");
    }
    const std::uint8_t desc = u8();
    std::string class_name;
    if (desc == kClassDesc) {
      class_name = class_desc(/*tag_read=*/true).name;
    } else if (desc == kReference) {
      const auto it = class_handles_.find(u32());
      if (it == class_handles_.end()) fail("a reference to an unknown class");
      class_name = it->second;
    } else {
      --pos_;
      fail("expected the class of an array");
    }
    if (class_name != "[B") fail("an array of " + class_name + " where byte[] was expected");
    const std::uint32_t handle = new_handle();
    const std::uint32_t length = u32();
    need(length);
    std::string data(bytes_.substr(pos_, length));
    pos_ += length;
    arrays_[handle] = data;
    return data;
  }

  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::uint32_t next_handle_ = kBaseHandle;
  std::map<std::uint32_t, std::string> class_handles_;
  std::map<std::uint32_t, std::string> arrays_;
};

}  // namespace

bool is_java_serialized(std::string_view bytes) {
  return bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0xAC &&
         static_cast<unsigned char>(bytes[1]) == 0xED && bytes[2] == 0 && bytes[3] == 5;
}

std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> read_java_offsets_map(
    std::string_view bytes) {
  return Reader(bytes).read_map();
}

}  // namespace sluice::storage
