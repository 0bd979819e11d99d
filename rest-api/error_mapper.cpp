#include "rest-api/error_mapper.hpp"

#include "core/common/errors.hpp"
#include "core/common/logging.hpp"
#include "core/herder/herder.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace sluice::rest {

std::string error_body(int status, const std::optional<std::string>& message) {
  nlohmann::ordered_json body;
  body["error_code"] = status;
  body["message"] = message ? nlohmann::ordered_json(*message) : nlohmann::ordered_json(nullptr);
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string routing_error_message(int status) {
  switch (status) {
    case 400: return "HTTP 400 Bad Request";
    case 404: return "HTTP 404 Not Found";
    case 405: return "HTTP 405 Method Not Allowed";
    case 413: return "HTTP 413 Request Entity Too Large";
    case 415: return "HTTP 415 Unsupported Media Type";
    case 431: return "HTTP 431 Request Header Fields Too Large";
    default: return "HTTP " + std::to_string(status);
  }
}

ErrorResponse map_exception(const std::exception_ptr& error) {
  int status = 500;
  std::optional<std::string> message;
  try {
    std::rethrow_exception(error);
  } catch (const herder::RestError& e) {
    status = e.status();
    message = e.what();
  } catch (const NotFoundError& e) {
    status = 404;
    message = e.what();
  } catch (const AlreadyExistsError& e) {
    status = 409;
    message = e.what();
  } catch (const herder::ConflictError& e) {
    status = 409;
    message = e.what();
  } catch (const BadRequestError& e) {
    status = 400;
    message = e.what();
  } catch (const std::exception& e) {
    status = 500;
    message = e.what();
  } catch (...) {
    // No message to show (Kafka prints null for exceptions without one).
    status = 500;
  }
  if (status >= 500) {
    // Kafka logs unexpected failures at ERROR; the expected 4xx outcomes are not worth a log line.
    log::get("sluice.rest")->error("Uncaught exception in REST call: {}", message.value_or("(no message)"));
  }
  return ErrorResponse{status, error_body(status, message)};
}

}  // namespace sluice::rest
