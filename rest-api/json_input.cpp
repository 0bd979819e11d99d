#include "rest-api/json_input.hpp"

#include "core/common/errors.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <vector>

namespace sluice::rest {
namespace {

// Marks binary nodes that hold the text of a non-integral number (JSON input never produces binary).
constexpr std::uint64_t kDecimalSubtype = 42;
constexpr std::size_t kMaxDepth = 512;

// Builds the tree like nlohmann's own DOM parser, but keeps decimal numbers' text and bounds the depth so
// a hostile body cannot exhaust the stack when the tree is later walked recursively.
class DomBuilder final : public nlohmann::json_sax<Json> {
 public:
  explicit DomBuilder(Json& root) : root_(root) {}

  bool null() override { return add(Json(nullptr)); }
  bool boolean(bool v) override { return add(Json(v)); }
  bool number_integer(number_integer_t v) override { return add(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return add(Json(v)); }
  bool number_float(number_float_t, const string_t& text) override {
    return add(Json::binary(Json::binary_t::container_type(text.begin(), text.end()), kDecimalSubtype));
  }
  bool string(string_t& v) override { return add(Json(std::move(v))); }
  bool binary(binary_t& v) override { return add(Json::binary(std::move(v))); }
  bool start_object(std::size_t) override { return open(Json::object()); }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return open(Json::array()); }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag; keep "parse error at line L, column C: ...".
    if (auto pos = what.find("] "); pos != std::string::npos && what.rfind("[json.exception", 0) == 0) {
      what = what.substr(pos + 2);
    }
    error_ = "Request body is not valid JSON: " + what;
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  Json* place(Json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    Json& slot = parent[key_];  // a repeated key overwrites the earlier value, as Jackson does
    slot = std::move(value);
    return &slot;
  }
  bool add(Json value) {
    place(std::move(value));
    return true;
  }
  bool open(Json container) {
    if (stack_.size() >= kMaxDepth) {
      error_ = "Request body is not valid JSON: nesting deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    stack_.push_back(place(std::move(container)));
    return true;
  }

  Json& root_;
  std::vector<Json*> stack_;  // containers being filled; parents never grow while a child is open
  std::string key_;
  std::string error_;
};

}  // namespace

Json parse_json_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw BadRequestError("Request body is empty; expected a JSON document");
  }
  Json root;
  DomBuilder builder(root);
  bool ok = Json::sax_parse(body.begin(), body.end(), &builder, nlohmann::detail::input_format_t::json, true);
  if (!ok) {
    throw BadRequestError(builder.error().empty() ? std::string("Request body is not valid JSON")
                                                  : builder.error());
  }
  return root;
}

bool is_decimal_number(const Json& node) {
  return node.is_binary() && node.get_binary().has_subtype() &&
         node.get_binary().subtype() == kDecimalSubtype;
}

std::string decimal_text(const Json& node) {
  const auto& bytes = node.get_binary();
  return std::string(bytes.begin(), bytes.end());
}

double decimal_value(const Json& node) {
  return std::strtod(decimal_text(node).c_str(), nullptr);
}

}  // namespace sluice::rest
