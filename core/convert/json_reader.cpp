#include "core/convert/json_reader.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <string>
#include <vector>

namespace sluice::convert::json {

Node::Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;
Node::~Node() = default;

namespace {

// Jackson's default StreamReadConstraints allow 1000 levels of nesting; deeper input would also risk our
// recursive conversions.
constexpr std::size_t kMaxDepth = 1000;

// Builds Node trees from nlohmann's SAX events; SAX is the only nlohmann API that hands over the literal
// text of floating-point numbers, which the Decimal NUMERIC format needs to stay exact.
class TreeBuilder {
 public:
  using json = nlohmann::json;

  bool null() { return add(Node{}); }
  bool boolean(bool value) {
    Node n;
    n.kind = Node::Kind::Boolean;
    n.boolean = value;
    return add(std::move(n));
  }
  bool number_integer(json::number_integer_t value) {
    Node n;
    n.kind = Node::Kind::Integer;
    n.integer = value;
    return add(std::move(n));
  }
  bool number_unsigned(json::number_unsigned_t value) {
    Node n;
    if (value <= static_cast<json::number_unsigned_t>(INT64_MAX)) {
      n.kind = Node::Kind::Integer;
      n.integer = static_cast<std::int64_t>(value);
    } else {
      n.kind = Node::Kind::BigInteger;
      n.text = std::to_string(value);
    }
    return add(std::move(n));
  }
  bool number_float(json::number_float_t /*value*/, const json::string_t& literal) {
    Node n;
    // nlohmann reads integers that overflow 64 bits as floats; the literal tells them apart.
    n.kind = literal.find_first_of(".eE") == std::string::npos ? Node::Kind::BigInteger : Node::Kind::Float;
    n.text = literal;
    return add(std::move(n));
  }
  bool string(json::string_t& value) {
    Node n;
    n.kind = Node::Kind::String;
    n.text = std::move(value);
    return add(std::move(n));
  }
  bool binary(json::binary_t& /*value*/) { return false; }  // not produced by the JSON text format
  bool start_object(std::size_t /*size*/) { return open(Node::Kind::Object); }
  bool key(json::string_t& value) {
    pending_key_ = std::move(value);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*size*/) { return open(Node::Kind::Array); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    error_ = error.what();
    return false;
  }

  const std::string& error() const { return error_; }

  std::optional<Node>& result() { return result_; }

 private:
  bool open(Node::Kind kind) {
    if (stack_.size() >= kMaxDepth) {
      throw ParseError("Document nesting depth exceeds the maximum allowed (" + std::to_string(kMaxDepth) +
                       ")");
    }
    Node n;
    n.kind = kind;
    keys_.push_back(std::move(pending_key_));
    stack_.push_back(std::move(n));
    return true;
  }

  bool close() {
    Node done = std::move(stack_.back());
    stack_.pop_back();
    pending_key_ = std::move(keys_.back());
    keys_.pop_back();
    return add(std::move(done));
  }

  bool add(Node n) {
    if (stack_.empty()) {
      result_ = std::move(n);
      return true;
    }
    Node& parent = stack_.back();
    if (parent.kind == Node::Kind::Array) {
      parent.items.push_back(std::move(n));
      return true;
    }
    for (auto& [k, v] : parent.fields) {
      if (k == pending_key_) {
        v = std::move(n);
        return true;
      }
    }
    parent.fields.emplace_back(std::move(pending_key_), std::move(n));
    return true;
  }

  std::vector<Node> stack_;
  std::vector<std::string> keys_;  // the key each open container will be stored under in its parent
  std::string pending_key_;
  std::optional<Node> result_;
  std::string error_;
};

bool is_json_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// End offset of the (already validated) root value that starts at the first non-space character.
std::size_t root_end(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && is_json_space(text[i])) ++i;
  if (i == text.size()) return i;
  const char c = text[i];
  if (c == '"' || c == '{' || c == '[') {
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
      const char d = text[i];
      if (in_string) {
        if (d == '\\') {
          ++i;
        } else if (d == '"') {
          in_string = false;
          if (depth == 0) return i + 1;
        }
      } else if (d == '"') {
        in_string = true;
      } else if (d == '{' || d == '[') {
        ++depth;
      } else if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return text.size();
  }
  if (c == 't' || c == 'n') return i + 4;
  if (c == 'f') return i + 5;
  // JSON number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  if (text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else {
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  return i;
}

// Jackson ignores whatever follows the root value, but it lexes the token it stops on in full: a root
// number must be followed by whitespace ("01", "1x" fail) and a root true/false/null must not run into
// identifier characters ("truex" fails); strings, objects and arrays may be followed by anything.
bool jackson_accepts_trailing(const Node& root, std::string_view text) {
  const std::size_t end = root_end(text);
  if (end >= text.size()) return true;
  const char next = text[end];
  if (root.is_number()) return is_json_space(next);
  if (root.kind == Node::Kind::Boolean || root.kind == Node::Kind::Null) {
    return !(std::isalnum(static_cast<unsigned char>(next)) || next == '_' || next == '$');
  }
  return true;
}

}  // namespace

const Node* Node::get(std::string_view key) const {
  if (kind != Kind::Object) return nullptr;
  for (const auto& [k, v] : fields) {
    if (k == key) return &v;
  }
  return nullptr;
}

const char* Node::type_name() const {
  switch (kind) {
    case Kind::Null: return "NULL";
    case Kind::Boolean: return "BOOLEAN";
    case Kind::Integer:
    case Kind::BigInteger:
    case Kind::Float: return "NUMBER";
    case Kind::String: return "STRING";
    case Kind::Array: return "ARRAY";
    case Kind::Object: return "OBJECT";
  }
  return "UNKNOWN";
}

std::string Node::number_text() const {
  return kind == Kind::Integer ? std::to_string(integer) : text;
}

std::optional<Node> parse(std::string_view text) {
  bool blank = true;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      blank = false;
      break;
    }
  }
  if (blank) return std::nullopt;
  TreeBuilder builder;
  const bool ok =
      nlohmann::json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json,
                                /*strict=*/true);
  if (ok) return std::move(builder.result());
  // A complete root value followed by more content: accepted when Jackson would accept it.
  if (builder.result() && jackson_accepts_trailing(*builder.result(), text))
    return std::move(builder.result());
  throw ParseError(builder.error());
}

}  // namespace sluice::convert::json
