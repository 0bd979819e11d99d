#pragma once
// Parsing of REST request bodies into an ordered JSON tree that keeps what Jackson would see:
// integral numbers stay integers, and every non-integral number keeps its source text (Jackson turns
// `1.50` into the string "1.50" when the target is a String, and into a Double when it is an Object).
// Such numbers are stored as a binary node holding the text; use the helpers below, never inspect it
// directly. Only rest-api .cpp files include this header.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace sluice::rest {

using Json = nlohmann::ordered_json;

// Parses a request body. Throws BadRequestError (HTTP 400) with a message that says what is wrong and
// where ("Request body is not valid JSON: parse error at line 1, column 9: ..."), or when the body is empty
// or nested more than 512 levels deep.
Json parse_json_body(std::string_view body);

bool is_decimal_number(const Json& node);    // a non-integral number from the source text
std::string decimal_text(const Json& node);  // its text as written, e.g. "1.50"
double decimal_value(const Json& node);      // its value

}  // namespace sluice::rest
