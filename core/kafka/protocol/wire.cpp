#include "core/kafka/protocol/wire.hpp"

#include <limits>

namespace sluice::kafka::protocol {
namespace {

template <typename T>
void put_be(Bytes& out, T value) {
  using U = std::make_unsigned_t<T>;
  const U u = static_cast<U>(value);
  for (int shift = static_cast<int>(sizeof(T) * 8) - 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(u >> shift));
  }
}

template <typename T>
T get_be(std::span<const std::uint8_t> in) {
  using U = std::make_unsigned_t<T>;
  U u = 0;
  for (std::uint8_t b : in) u = static_cast<U>((u << 8) | b);
  return static_cast<T>(u);
}

std::span<const std::uint8_t> as_bytes(std::string_view v) {
  return {reinterpret_cast<const std::uint8_t*>(v.data()), v.size()};
}

void check_int16_length(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int16_t>::max())) {
    throw std::length_error("String of " + std::to_string(n) +
                            " bytes is longer than the Kafka protocol allows (32767)");
  }
}

void check_int32_length(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() - 1)) {
    throw std::length_error("Field of " + std::to_string(n) +
                            " bytes is longer than the Kafka protocol allows");
  }
}

}  // namespace

void Writer::int16(std::int16_t v) {
  put_be(out_, v);
}
void Writer::int32(std::int32_t v) {
  put_be(out_, v);
}
void Writer::int64(std::int64_t v) {
  put_be(out_, v);
}

void Writer::uvarint(std::uint32_t v) {
  while ((v & ~0x7FU) != 0) {
    out_.push_back(static_cast<std::uint8_t>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<std::uint8_t>(v));
}

void Writer::varint(std::int32_t v) {
  const auto u = static_cast<std::uint32_t>(v);
  uvarint((u << 1) ^ static_cast<std::uint32_t>(v >> 31));
}

void Writer::string(std::string_view v) {
  check_int16_length(v.size());
  int16(static_cast<std::int16_t>(v.size()));
  raw(as_bytes(v));
}

void Writer::nullable_string(const std::optional<std::string>& v) {
  if (!v) {
    int16(-1);
    return;
  }
  string(*v);
}

void Writer::compact_string(std::string_view v) {
  check_int16_length(v.size());
  uvarint(static_cast<std::uint32_t>(v.size() + 1));
  raw(as_bytes(v));
}

void Writer::compact_nullable_string(const std::optional<std::string>& v) {
  if (!v) {
    uvarint(0);
    return;
  }
  compact_string(*v);
}

void Writer::bytes(std::span<const std::uint8_t> v) {
  check_int32_length(v.size());
  int32(static_cast<std::int32_t>(v.size()));
  raw(v);
}

void Writer::nullable_bytes(const std::optional<Bytes>& v) {
  if (!v) {
    int32(-1);
    return;
  }
  bytes(*v);
}

void Writer::compact_bytes(std::span<const std::uint8_t> v) {
  check_int32_length(v.size());
  uvarint(static_cast<std::uint32_t>(v.size() + 1));
  raw(v);
}

void Writer::compact_nullable_bytes(const std::optional<Bytes>& v) {
  if (!v) {
    uvarint(0);
    return;
  }
  compact_bytes(*v);
}

void Writer::array_length(std::size_t n, bool flexible) {
  check_int32_length(n);
  if (flexible) {
    uvarint(static_cast<std::uint32_t>(n + 1));
  } else {
    int32(static_cast<std::int32_t>(n));
  }
}

void Writer::null_array(bool flexible) {
  if (flexible) {
    uvarint(0);
  } else {
    int32(-1);
  }
}

void Writer::tagged_fields(const std::vector<TaggedField>& fields) {
  uvarint(static_cast<std::uint32_t>(fields.size()));
  for (const TaggedField& f : fields) {
    uvarint(f.tag);
    uvarint(static_cast<std::uint32_t>(f.data.size()));
    raw(f.data);
  }
}

std::span<const std::uint8_t> Reader::take(std::size_t n, const char* what) {
  if (remaining() < n) {
    throw DecodeError(std::string("Truncated Kafka protocol data: ") + what + " needs " + std::to_string(n) +
                      " bytes but only " + std::to_string(remaining()) + " remain");
  }
  auto out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::int8_t Reader::int8() {
  return static_cast<std::int8_t>(take(1, "int8")[0]);
}

bool Reader::boolean() {
  return take(1, "boolean")[0] != 0;
}

std::int16_t Reader::int16() {
  return get_be<std::int16_t>(take(2, "int16"));
}
std::int32_t Reader::int32() {
  return get_be<std::int32_t>(take(4, "int32"));
}
std::int64_t Reader::int64() {
  return get_be<std::int64_t>(take(8, "int64"));
}

std::uint32_t Reader::uvarint() {
  std::uint32_t value = 0;
  for (int i = 0; i < 5; ++i) {
    const std::uint8_t b = take(1, "unsigned varint")[0];
    if (i == 4 && (b & 0xF0) != 0)
      throw DecodeError("Malformed Kafka protocol data: unsigned varint overflows 32 bits");
    value |= static_cast<std::uint32_t>(b & 0x7F) << (7 * i);
    if ((b & 0x80) == 0) return value;
  }
  throw DecodeError("Malformed Kafka protocol data: unsigned varint longer than 5 bytes");
}

std::int32_t Reader::varint() {
  const std::uint32_t u = uvarint();
  return static_cast<std::int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

std::string Reader::string() {
  auto v = nullable_string();
  return v ? std::move(*v) : std::string();
}

std::optional<std::string> Reader::nullable_string() {
  const std::int16_t n = int16();
  if (n < 0) return std::nullopt;
  auto b = take(static_cast<std::size_t>(n), "string");
  return std::string(b.begin(), b.end());
}

std::string Reader::compact_string() {
  auto v = compact_nullable_string();
  return v ? std::move(*v) : std::string();
}

std::optional<std::string> Reader::compact_nullable_string() {
  const std::uint32_t n = uvarint();
  if (n == 0) return std::nullopt;
  auto b = take(n - 1, "compact string");
  return std::string(b.begin(), b.end());
}

Bytes Reader::bytes() {
  auto v = nullable_bytes();
  return v ? std::move(*v) : Bytes();
}

std::optional<Bytes> Reader::nullable_bytes() {
  const std::int32_t n = int32();
  if (n < 0) return std::nullopt;
  auto b = take(static_cast<std::size_t>(n), "bytes");
  return Bytes(b.begin(), b.end());
}

Bytes Reader::compact_bytes() {
  auto v = compact_nullable_bytes();
  return v ? std::move(*v) : Bytes();
}

std::optional<Bytes> Reader::compact_nullable_bytes() {
  const std::uint32_t n = uvarint();
  if (n == 0) return std::nullopt;
  auto b = take(n - 1, "compact bytes");
  return Bytes(b.begin(), b.end());
}

std::optional<std::size_t> Reader::array_length(bool flexible, std::size_t min_element_size) {
  std::size_t n = 0;
  if (flexible) {
    const std::uint32_t raw = uvarint();
    if (raw == 0) return std::nullopt;
    n = raw - 1;
  } else {
    const std::int32_t raw = int32();
    if (raw < 0) return std::nullopt;
    n = static_cast<std::size_t>(raw);
  }
  if (min_element_size > 0 && n > remaining() / min_element_size) {
    throw DecodeError("Malformed Kafka protocol data: array of " + std::to_string(n) + " elements in " +
                      std::to_string(remaining()) + " remaining bytes");
  }
  return n;
}

std::vector<TaggedField> Reader::tagged_fields() {
  const std::uint32_t count = uvarint();
  if (count > remaining()) {
    throw DecodeError("Malformed Kafka protocol data: " + std::to_string(count) + " tagged fields in " +
                      std::to_string(remaining()) + " remaining bytes");
  }
  std::vector<TaggedField> out;
  out.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    TaggedField f;
    f.tag = uvarint();
    const std::uint32_t size = uvarint();
    auto b = take(size, "tagged field");
    f.data.assign(b.begin(), b.end());
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace sluice::kafka::protocol
