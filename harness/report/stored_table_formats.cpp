#include "harness/report/stored_table_formats.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "harness/report/escape.h"

namespace tb {
namespace {

std::string cell_text(const StoredCell& c) {
  if (std::holds_alternative<int64_t>(c)) return std::to_string(std::get<int64_t>(c));
  if (std::holds_alternative<double>(c)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", std::get<double>(c));
    return buf;
  }
  if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c);
  return "";
}

nlohmann::json cell_json(const StoredCell& c) {
  if (std::holds_alternative<int64_t>(c)) return std::get<int64_t>(c);
  if (std::holds_alternative<double>(c)) return std::get<double>(c);
  if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c);
  return nullptr;
}

}  // namespace

std::string stored_table_csv(const StoredTable& t) {
  std::string out;
  for (size_t c = 0; c < t.columns.size(); ++c) out += (c ? "," : "") + csv_field(t.columns[c]);
  out += "\n";
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) out += (c ? "," : "") + csv_field(cell_text(row[c]));
    out += "\n";
  }
  return out;
}

std::string stored_table_jsonl(const StoredTable& t) {
  std::string out;
  for (const auto& row : t.rows) {
    nlohmann::ordered_json line = nlohmann::ordered_json::object();
    for (size_t c = 0; c < row.size(); ++c) line[t.columns[c]] = cell_json(row[c]);
    out += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  return out;
}

}  // namespace tb
