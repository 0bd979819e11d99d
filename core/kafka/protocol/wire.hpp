#pragma once
// Kafka's wire primitives (org.apache.kafka.common.protocol.types / ByteUtils): big-endian integers, unsigned
// and zig-zag varints, classic and compact ("flexible version") strings, bytes and arrays, and tagged-field
// sections. Writer appends to a byte vector; Reader walks a borrowed span and throws DecodeError on truncated
// or malformed input. Both are plain values used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::kafka::protocol {

using Bytes = std::vector<std::uint8_t>;

// Malformed or truncated protocol data. The message names what was being read.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One tagged field as found on the wire (tag and raw value); unknown tags are kept, never interpreted.
struct TaggedField {
  std::uint32_t tag = 0;
  Bytes data;
  bool operator==(const TaggedField&) const = default;
};

class Writer {
 public:
  void int8(std::int8_t v) { out_.push_back(static_cast<std::uint8_t>(v)); }
  void boolean(bool v) { out_.push_back(v ? 1 : 0); }
  void int16(std::int16_t v);
  void int32(std::int32_t v);
  void int64(std::int64_t v);
  void uvarint(std::uint32_t v);
  void varint(std::int32_t v);  // zig-zag

  // STRING / NULLABLE_STRING: int16 length (-1 = null) then UTF-8 bytes.
  void string(std::string_view v);
  void nullable_string(const std::optional<std::string>& v);
  // COMPACT_STRING / COMPACT_NULLABLE_STRING: uvarint length+1 (0 = null).
  void compact_string(std::string_view v);
  void compact_nullable_string(const std::optional<std::string>& v);
  // Picks the classic or compact form.
  void string(std::string_view v, bool flexible) { flexible ? compact_string(v) : string(v); }
  void nullable_string(const std::optional<std::string>& v, bool flexible) {
    flexible ? compact_nullable_string(v) : nullable_string(v);
  }

  // BYTES / NULLABLE_BYTES: int32 length (-1 = null). COMPACT_*: uvarint length+1 (0 = null).
  void bytes(std::span<const std::uint8_t> v);
  void nullable_bytes(const std::optional<Bytes>& v);
  void compact_bytes(std::span<const std::uint8_t> v);
  void compact_nullable_bytes(const std::optional<Bytes>& v);
  void bytes(std::span<const std::uint8_t> v, bool flexible) { flexible ? compact_bytes(v) : bytes(v); }
  void nullable_bytes(const std::optional<Bytes>& v, bool flexible) {
    flexible ? compact_nullable_bytes(v) : nullable_bytes(v);
  }

  // Array length prefix: int32 (-1 = null) or, when flexible, uvarint count+1 (0 = null).
  void array_length(std::size_t n, bool flexible);
  void null_array(bool flexible);

  // A tagged-field section: uvarint count, then per field uvarint tag, uvarint size, data. Tags must be
  // ascending (the protocol requires it).
  void tagged_fields(const std::vector<TaggedField>& fields = {});

  void raw(std::span<const std::uint8_t> v) { out_.insert(out_.end(), v.begin(), v.end()); }

  const Bytes& data() const { return out_; }
  Bytes take() { return std::move(out_); }
  std::size_t size() const { return out_.size(); }

 private:
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}

  std::int8_t int8();
  bool boolean();
  std::int16_t int16();
  std::int32_t int32();
  std::int64_t int64();
  std::uint32_t uvarint();
  std::int32_t varint();

  // Classic STRING; a null (-1) string reads as "" because some brokers (librdkafka's mock cluster among
  // them) write null where the schema says non-nullable, and Kafka's own clients accept it.
  std::string string();
  std::optional<std::string> nullable_string();
  std::string compact_string();
  std::optional<std::string> compact_nullable_string();
  std::string string(bool flexible) { return flexible ? compact_string() : string(); }
  std::optional<std::string> nullable_string(bool flexible) {
    return flexible ? compact_nullable_string() : nullable_string();
  }

  Bytes bytes();  // null reads as empty
  std::optional<Bytes> nullable_bytes();
  Bytes compact_bytes();
  std::optional<Bytes> compact_nullable_bytes();
  Bytes bytes(bool flexible) { return flexible ? compact_bytes() : bytes(); }
  std::optional<Bytes> nullable_bytes(bool flexible) {
    return flexible ? compact_nullable_bytes() : nullable_bytes();
  }

  // Array length: nullopt for a null array. Checked against the remaining bytes (each element takes at least
  // `min_element_size` bytes) so a corrupt count cannot make the caller reserve gigabytes.
  std::optional<std::size_t> array_length(bool flexible, std::size_t min_element_size = 1);

  // Reads a tagged-field section, returning every field (callers pick the tags they know).
  std::vector<TaggedField> tagged_fields();

  std::size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }
  std::size_t position() const { return pos_; }
  std::span<const std::uint8_t> rest() const { return data_.subspan(pos_); }

 private:
  std::span<const std::uint8_t> take(std::size_t n, const char* what);

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
};

}  // namespace sluice::kafka::protocol
