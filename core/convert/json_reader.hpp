#pragma once
// A small JSON tree for the converters, read the way Kafka's Jackson-based JsonDeserializer reads: integer
// and floating literals stay apart (floats keep their text so decimals are exact, as with Jackson's
// USE_BIG_DECIMAL_FOR_FLOATS), integers beyond 64 bits keep their digits, object keys keep document order
// and a repeated key replaces the earlier value in place (Jackson's ObjectNode), content after the first
// value is ignored (Jackson's readTree does not fail on trailing tokens by default).

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::convert::json {

struct Node {
  // Out of line: the member vectors hold Node itself, which must be complete where they are built/destroyed.
  Node();
  Node(const Node&);
  Node(Node&&) noexcept;
  Node& operator=(const Node&);
  Node& operator=(Node&&) noexcept;
  ~Node();

  // Jackson's JsonNodeType names, used in messages: NULL, BOOLEAN, NUMBER, STRING, ARRAY, OBJECT.
  enum class Kind : std::uint8_t { Null, Boolean, Integer, BigInteger, Float, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;  // String: the value; BigInteger and Float: the literal as written
  std::vector<Node> items;
  std::vector<std::pair<std::string, Node>> fields;

  bool is_number() const { return kind == Kind::Integer || kind == Kind::BigInteger || kind == Kind::Float; }
  bool is_integral() const { return kind == Kind::Integer || kind == Kind::BigInteger; }
  const Node* get(std::string_view key) const;  // OBJECT member or nullptr
  const char* type_name() const;                // "NUMBER", "STRING", ...
  std::string number_text() const;              // the literal of a number node
};

class ParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// nullopt for empty or whitespace-only input (Jackson's MissingNode). Throws ParseError on malformed JSON.
std::optional<Node> parse(std::string_view text);

}  // namespace sluice::convert::json
