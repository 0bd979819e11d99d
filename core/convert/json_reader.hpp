#pragma once
// A hand-written JSON reader for the JsonConverter that reads the way Kafka's Jackson-based JsonDeserializer
// does: integer and floating literals stay apart (floats keep their text so decimals are exact, as with
// Jackson's USE_BIG_DECIMAL_FOR_FLOATS), integers beyond 64 bits keep their digits, object members keep
// document order and a repeated key replaces the earlier value in place (Jackson's ObjectNode), whatever
// follows the first value is ignored as Jackson's readTree does (a root number must be followed by
// whitespace, a root true/false/null by no identifier character), and Jackson's StreamReadConstraints
// apply (1000 levels of nesting, number literals of up to 1000 characters). Errors carry Jackson's texts and
// the line and column of the problem.
//
// Ownership: a Reader owns the nodes of the last document it parsed and reuses their memory for the next
// one, so a warmed-up reader parses without allocating. The tree refers to the input text (strings without
// escapes, number literals, each node's source text), which must outlive it. A Reader is used by one thread
// at a time; the tree stays valid until the next parse().

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::convert::json {

struct Node {
  // Jackson's JsonNodeType names, used in messages: NULL, BOOLEAN, NUMBER, STRING, ARRAY, OBJECT.
  enum class Kind : std::uint8_t { Null, Boolean, Integer, BigInteger, Float, String, Array, Object };

  // Iterates the items of an array or the members of an object (member names in `key`).
  class Iterator {
   public:
    explicit Iterator(const Node* node) : node_(node) {}
    const Node& operator*() const { return *node_; }
    const Node* operator->() const { return node_; }
    Iterator& operator++() {
      node_ = node_->next;
      return *this;
    }
    bool operator==(const Iterator& other) const { return node_ == other.node_; }

   private:
    const Node* node_;
  };

  Kind kind = Kind::Null;
  bool boolean = false;
  std::uint32_t size = 0;  // Array: items; Object: members (distinct names)
  std::int64_t integer = 0;
  std::string_view text;        // String: the value; BigInteger and Float: the literal as written
  std::string_view key;         // the member name, for a member of an object
  std::string_view source;      // this value's JSON text, exactly as written
  const Node* first = nullptr;  // first item or member
  const Node* next = nullptr;   // next item or member of the parent

  bool is_number() const { return kind == Kind::Integer || kind == Kind::BigInteger || kind == Kind::Float; }
  bool is_integral() const { return kind == Kind::Integer || kind == Kind::BigInteger; }
  const Node* get(std::string_view name) const;  // OBJECT member or nullptr
  const char* type_name() const;                 // "NUMBER", "STRING", ...
  std::string number_text() const;               // the literal of a number node
  Iterator begin() const { return Iterator(first); }
  Iterator end() const { return Iterator(nullptr); }
};

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  Reader();
  Reader(Reader&&) noexcept;
  Reader& operator=(Reader&&) noexcept;
  ~Reader();

  // The root of the document, or nullptr for empty or whitespace-only input (Jackson's MissingNode).
  // Throws ParseError on malformed JSON, e.g.
  //   Unexpected end-of-input: expected close marker for OBJECT (start marker at [Source: (byte[]); line: 1,
  //   column: 1]) at [Source: (byte[]); line: 1, column: 2]
  const Node* parse(std::string_view text);

 private:
  class Parser;

  Node* allocate();

  // Nodes live in fixed-size chunks so their addresses stay put while a document grows.
  std::vector<std::unique_ptr<Node[]>> chunks_;
  std::size_t chunk_ = 0;  // the chunk being filled
  std::size_t used_ = 0;   // nodes used in it
  std::string scratch_;    // strings that had escapes, unescaped; reserved so views into it stay valid
};

}  // namespace sluice::convert::json
