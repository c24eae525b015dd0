// Forward migrations of the store schema: entry i brings user_version i to i + 1.
#pragma once
#include <string>
#include <vector>

namespace tb {
const std::vector<std::string>& store_migrations();
}
