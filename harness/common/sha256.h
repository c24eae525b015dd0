// SHA-256 (FIPS 180-4) of a byte string, as lowercase hex. Used for run keys and
// base-model cache keys, which must be stable across machines and versions.
#pragma once
#include <string>
#include <string_view>

namespace tb {
std::string sha256_hex(std::string_view data);
}
