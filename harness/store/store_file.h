// The checks a file passes before tunebench opens it as its store, so that a wrong path,
// another program's database, or a damaged, unreadable or read-only file is reported as
// what it is (exit code 2), and nothing is written to a file that is not a store.
#pragma once
#include <filesystem>
#include <string>

namespace tb {

// kRead: report, status, runs, compare, export, regress, spectrum; a read-only store is
// fine. kWrite: run and fit, which record into the store (and create it when absent).
enum class StoreUse { kRead, kWrite };

// What keeps `path` from being opened as a tunebench store for `use`, as words that follow
// "<path>: " in a message ("" when nothing does). Reads only; writes and creates nothing.
// For kRead the file must exist, be readable and be an SQLite database with tunebench's
// tables. For kWrite it may also be absent or empty (a new store), and must be writable.
std::string store_problem(const std::filesystem::path& path, StoreUse use);

// Throws UserError "<path>: <problem>" when store_problem() names one.
void require_store(const std::filesystem::path& path, StoreUse use);

// Whether this process may write `path` and create SQLite's journal files beside it.
bool store_writable(const std::filesystem::path& path);

}  // namespace tb
