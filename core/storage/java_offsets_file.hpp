#pragma once
// Reads the offsets file of Kafka Connect's standalone worker (FileOffsetBackingStore): a Java-serialized
// java.util.HashMap<byte[], byte[]> of offset key and value JSON bytes (the same bytes as in an offsets
// topic). Lets a Kafka Connect user point sluice at an existing offset.storage.file.filename and resume.
// Only the object graph Kafka writes is understood: one HashMap whose keys and values are byte arrays or
// null.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::storage {

// True when `bytes` starts with Java serialization's stream header (0xACED 0x0005).
bool is_java_serialized(std::string_view bytes);

// The map's entries in stream order (nullopt: a null key or value). Throws DataError saying what was
// unexpected and where.
std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>> read_java_offsets_map(
    std::string_view bytes);

}  // namespace sluice::storage
