#include "harness/store/sqlite.h"

#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace tb {
namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw SqliteError("sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"),
                    db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM);
}

// `path` as an SQLite "file:" URI: every byte but unreserved ones and '/' percent-encoded.
std::string file_uri(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out = "file:";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(char(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

}  // namespace

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) fail(db, "prepare \"" + sql + "\"");
}
Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int i, const std::string& v) {
  if (sqlite3_bind_text(stmt_, i, v.data(), int(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "step");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
double Statement::column_double(int i) const { return sqlite3_column_double(stmt_, i); }
std::string Statement::column_text(int i) const {
  const auto* p = sqlite3_column_text(stmt_, i);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, i)) : std::string();
}
bool Statement::column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

Database::Database(const std::filesystem::path& path, bool read_only)
    : path_(path.string()), read_only_(read_only) {
  if (read_only) {
    // In a folder nobody may write, with no write-ahead log holding pages, the file is the
    // whole database and nobody can be writing it: read it as immutable, since SQLite could
    // not create its -shm file there. Anywhere else a writer may come: plain read-only.
    std::error_code ec;
    const uintmax_t wal = std::filesystem::file_size(path_ + "-wal", ec);
    const bool wal_empty = ec || wal == 0;
    const auto folder = std::filesystem::absolute(path, ec).parent_path();
    const bool frozen = wal_empty && ::access(folder.c_str(), W_OK) != 0;
    open(file_uri(path_) + (frozen ? "?mode=ro&immutable=1" : "?mode=ro"),
         SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
  } else {
    open(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  }
  try {
    configure();
  } catch (...) {  // the destructor does not run for a constructor that throws
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void Database::configure() {
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
  if (read_only_) return;
  // Switching to WAL writes the file header once; a read-only copy already in WAL mode stays readable.
  bool wal = false;
  {
    Statement mode(db_, "PRAGMA journal_mode");  // finalized before switching: it holds a read lock
    wal = mode.step() && mode.column_text(0) == "wal";
  }
  if (!wal) exec("PRAGMA journal_mode=WAL;");
}

void Database::open(const std::string& name, int flags) {
  if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    const int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM;
    sqlite3_close(db_);
    db_ = nullptr;
    throw SqliteError("cannot open store " + path_ + ": " + msg, code);
  }
}

Database::~Database() { sqlite3_close(db_); }

void Database::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw SqliteError("sqlite: " + msg + " in \"" + sql.substr(0, 80) + "\"",
                      sqlite3_extended_errcode(db_));
  }
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
}
void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace tb
