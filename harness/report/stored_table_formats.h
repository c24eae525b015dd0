// A stored table (Store::export_table) as CSV or JSON Lines, the formats pandas reads
// directly. Numbers keep full precision; NULL is an empty CSV field or JSON null.
#pragma once
#include <string>

#include "harness/store/store.h"

namespace tb {

std::string stored_table_csv(const StoredTable& table);
std::string stored_table_jsonl(const StoredTable& table);

}  // namespace tb
