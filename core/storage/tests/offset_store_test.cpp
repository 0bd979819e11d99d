#include <gtest/gtest.h>
#include <filesystem>
#include <memory>

#include "core/common/errors.hpp"
#include "core/storage/file_offset_store.hpp"
#include "core/storage/memory_offset_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace sluice::storage {
namespace {

using data::Value;

Value smap(std::vector<std::pair<std::string, Value>> entries) {
  Value::Map m;
  for (auto& [k, v] : entries) m.emplace_back(Value::string(k), std::move(v));
  return Value::map(std::move(m));
}

Value file_partition(const std::string& name) {
  return smap({{"filename", Value::string(name)}});
}

Value position(std::int64_t p) {
  return smap({{"position", Value::int64(p)}});
}

std::string connect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConnectError& e) {
    return e.what();
  }
  return "no error";
}

// The behaviour both stores share.
class OffsetStoreContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryOffsetStore>();
    } else {
      store_ = std::make_unique<FileOffsetStore>(dir_ / "offsets.json");
    }
    store_->start();
  }
  test::TempDir dir_{"offset-store"};
  std::unique_ptr<OffsetStore> store_;
};

TEST_P(OffsetStoreContract, StoresPerConnectorAndComparesPartitionsByContent) {
  store_->put("a", {{file_partition("/x"), position(3)}, {file_partition("/y"), position(4)}});
  store_->put("b", {{file_partition("/x"), position(9)}});
  EXPECT_EQ(store_->get("a", file_partition("/x")), position(3));
  EXPECT_EQ(store_->get("b", file_partition("/x")), position(9));
  EXPECT_EQ(store_->get("a", file_partition("/z")), std::nullopt);
  EXPECT_EQ(store_->get("c", file_partition("/x")), std::nullopt);

  const Value two_keys = smap({{"db", Value::string("d")}, {"table", Value::int32(7)}});
  store_->put("a", {{two_keys, position(1)}});
  EXPECT_EQ(store_->get("a", smap({{"table", Value::int64(7)}, {"db", Value::string("d")}})), position(1));

  const auto all = store_->all("a");
  ASSERT_EQ(all.size(), 3u);
}

TEST_P(OffsetStoreContract, LaterOffsetReplacesAndTombstoneRemoves) {
  store_->put("a", {{file_partition("/x"), position(3)}});
  store_->put("a", {{file_partition("/x"), position(5)}});
  EXPECT_EQ(store_->get("a", file_partition("/x")), position(5));
  store_->put("a", {{file_partition("/x"), std::nullopt}});
  EXPECT_EQ(store_->get("a", file_partition("/x")), std::nullopt);
  EXPECT_TRUE(store_->all("a").empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, OffsetStoreContract, ::testing::Values("memory", "file"));

TEST(FileOffsetStore, WritesKafkasKeyAndValueBytesAndReloadsThem) {
  test::TempDir dir("offset-store");
  const auto path = dir / "offsets.json";
  {
    FileOffsetStore store(path);
    store.start();
    store.put("local-file-source", {{file_partition("/tmp/in.txt"), position(12)}});
  }
  EXPECT_EQ(test::read_file(path),
            "{\"format\":\"sluice-offsets\",\"version\":1,\"offsets\":[\n"
            "{\"key\":\"[\\\"local-file-source\\\",{\\\"filename\\\":\\\"/tmp/in.txt\\\"}]\","
            "\"value\":\"{\\\"position\\\":12}\"}\n]}\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "offsets.json.tmp"));

  FileOffsetStore reloaded(path);
  reloaded.start();
  EXPECT_EQ(reloaded.get("local-file-source", file_partition("/tmp/in.txt")), position(12));
  const auto all = reloaded.all("local-file-source");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].first, file_partition("/tmp/in.txt"));
}

TEST(FileOffsetStore, MissingOrEmptyFileMeansNoOffsets) {
  test::TempDir dir("offset-store");
  FileOffsetStore missing(dir / "none.json");
  missing.start();
  EXPECT_TRUE(missing.all("a").empty());
  FileOffsetStore empty(dir.write("empty.json", ""));
  empty.start();
  EXPECT_TRUE(empty.all("a").empty());
}

TEST(FileOffsetStore, CorruptFileNamesTheFileAndWhatToDo) {
  test::TempDir dir("offset-store");
  const auto path = dir.write("offsets.json", "{\"format\":\"sluice-offsets\",\"version\":1,\"offsets\":[{\"key\":");
  FileOffsetStore store(path);
  const std::string message = connect_error([&] { store.start(); });
  EXPECT_TRUE(message.starts_with("Could not read source offsets from " + path.string() + ": it is not valid JSON ("))
      << message;
  EXPECT_TRUE(message.ends_with(
      "). It was not written by sluice or it is damaged: restore it from a backup, or move it away to start without "
      "stored offsets (source connectors then start from the beginning of their data)"))
      << message;
}

TEST(FileOffsetStore, BadEntryIsNamed) {
  test::TempDir dir("offset-store");
  const auto path = dir.write("offsets.json", R"({"format":"sluice-offsets","version":1,"offsets":[{"key":"[1]","value":"{}"}]})");
  FileOffsetStore store(path);
  EXPECT_EQ(connect_error([&] { store.start(); }),
            "Could not read source offsets from " + path.string() +
                ": entry 0: Offset key [1] is not a JSON array of the connector name and a partition. It was not "
                "written by sluice or it is damaged: restore it from a backup, or move it away to start without stored "
                "offsets (source connectors then start from the beginning of their data)");
}

// Written by Kafka's FileOffsetBackingStore.save() logic on OpenJDK 17: a HashMap<byte[], byte[]> with
// ["local-file-source",{"filename":"/tmp/in.txt"}] -> {"position":12}, ["db",{"table":"t"}] ->
// {"id":5,"ts":"x"} and ["other",{"a":1}] -> null.
const std::string kKafkaOffsetsFile = std::string(
    "\xac\xed\x00\x05\x73\x72\x00\x11\x6a\x61\x76\x61\x2e\x75\x74\x69\x6c\x2e\x48\x61\x73\x68\x4d\x61"
    "\x70\x05\x07\xda\xc1\xc3\x16\x60\xd1\x03\x00\x02\x46\x00\x0a\x6c\x6f\x61\x64\x46\x61\x63\x74\x6f"
    "\x72\x49\x00\x09\x74\x68\x72\x65\x73\x68\x6f\x6c\x64\x78\x70\x3f\x40\x00\x00\x00\x00\x00\x0c\x77"
    "\x08\x00\x00\x00\x10\x00\x00\x00\x03\x75\x72\x00\x02\x5b\x42\xac\xf3\x17\xf8\x06\x08\x54\xe0\x02"
    "\x00\x00\x78\x70\x00\x00\x00\x30\x5b\x22\x6c\x6f\x63\x61\x6c\x2d\x66\x69\x6c\x65\x2d\x73\x6f\x75"
    "\x72\x63\x65\x22\x2c\x7b\x22\x66\x69\x6c\x65\x6e\x61\x6d\x65\x22\x3a\x22\x2f\x74\x6d\x70\x2f\x69"
    "\x6e\x2e\x74\x78\x74\x22\x7d\x5d\x75\x71\x00\x7e\x00\x02\x00\x00\x00\x0f\x7b\x22\x70\x6f\x73\x69"
    "\x74\x69\x6f\x6e\x22\x3a\x31\x32\x7d\x75\x71\x00\x7e\x00\x02\x00\x00\x00\x14\x5b\x22\x64\x62\x22"
    "\x2c\x7b\x22\x74\x61\x62\x6c\x65\x22\x3a\x22\x74\x22\x7d\x5d\x75\x71\x00\x7e\x00\x02\x00\x00\x00"
    "\x11\x7b\x22\x69\x64\x22\x3a\x35\x2c\x22\x74\x73\x22\x3a\x22\x78\x22\x7d\x75\x71\x00\x7e\x00\x02"
    "\x00\x00\x00\x11\x5b\x22\x6f\x74\x68\x65\x72\x22\x2c\x7b\x22\x61\x22\x3a\x31\x7d\x5d\x70\x78",
    263);

TEST(FileOffsetStore, ReadsKafkaConnectsJavaSerializedFileAndKeepsTheOriginal) {
  test::TempDir dir("offset-store");
  const auto path = dir.write("connect.offsets", kKafkaOffsetsFile);
  FileOffsetStore store(path);
  store.start();
  EXPECT_EQ(store.get("local-file-source", file_partition("/tmp/in.txt")), position(12));
  EXPECT_EQ(store.get("db", smap({{"table", Value::string("t")}})),
            smap({{"id", Value::int64(5)}, {"ts", Value::string("x")}}));
  EXPECT_TRUE(store.all("other").empty());
  EXPECT_EQ(test::read_file(dir / "connect.offsets.kafka-backup"), kKafkaOffsetsFile);
  // The next commit writes sluice's format, with the entries read from Kafka's file.
  store.put("local-file-source", {{file_partition("/tmp/in.txt"), position(20)}});
  FileOffsetStore reloaded(path);
  reloaded.start();
  EXPECT_EQ(reloaded.get("local-file-source", file_partition("/tmp/in.txt")), position(20));
  EXPECT_EQ(reloaded.get("db", smap({{"table", Value::string("t")}})),
            smap({{"id", Value::int64(5)}, {"ts", Value::string("x")}}));
  EXPECT_EQ(test::read_file(dir / "connect.offsets.kafka-backup"), kKafkaOffsetsFile);
}

TEST(FileOffsetStore, TruncatedJavaSerializedFileNamesTheProblem) {
  test::TempDir dir("offset-store");
  const auto path = dir.write("connect.offsets", kKafkaOffsetsFile.substr(0, 120));
  FileOffsetStore store(path);
  EXPECT_EQ(connect_error([&] { store.start(); }),
            "Could not read source offsets from " + path.string() +
                ": Java-serialized offsets: unexpected end of data at byte 104. It was not written by sluice or it is "
                "damaged: restore it from a backup, or move it away to start without stored offsets (source connectors "
                "then start from the beginning of their data)");
}

TEST(FileOffsetStore, MissingDirectoryIsAWriteError) {
  test::TempDir dir("offset-store");
  const auto path = dir / "no-such-dir" / "offsets.json";
  FileOffsetStore store(path);
  store.start();
  EXPECT_EQ(connect_error([&] { store.put("a", {{file_partition("/x"), position(1)}}); }),
            "Could not write source offsets to " + path.string() + " (creating " + path.string() +
                ".tmp: No such file or directory); check that its directory exists and is writable and that the disk "
                "is not full");
  EXPECT_EQ(store.get("a", file_partition("/x")), std::nullopt);
}

}  // namespace
}  // namespace sluice::storage
