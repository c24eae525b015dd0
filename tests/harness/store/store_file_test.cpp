#include "harness/store/store_file.h"

#include <gtest/gtest.h>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/store/sqlite.h"
#include "harness/store/store.h"
#include "tests/test_util.h"

namespace tb {
namespace {

namespace fs = std::filesystem;

class StoreFile : public ::testing::Test {
 protected:
  // A store with a sweep, closed (its write-ahead log checkpointed into the file).
  fs::path make_store() {
    const fs::path db = dir_.path() / "store.sqlite";
    Store store(db);
    store.create_sweep("s", "s.json", "{}");
    return db;
  }
  fs::path write(const std::string& name, const std::string& bytes) {
    write_file_atomically(dir_.path() / name, bytes);
    return dir_.path() / name;
  }
  testing::ScratchDir dir_{"store-file"};
};

TEST_F(StoreFile, AStoreIsUsableAndAnAbsentOrEmptyFileOnlyForWriting) {
  const fs::path db = make_store();
  EXPECT_EQ(store_problem(db, StoreUse::kRead), "");
  EXPECT_EQ(store_problem(db, StoreUse::kWrite), "");
  const fs::path absent = dir_.path() / "absent.sqlite";
  EXPECT_EQ(store_problem(absent, StoreUse::kRead), "no such file");
  EXPECT_EQ(store_problem(absent, StoreUse::kWrite), "");
  const fs::path empty = write("empty.sqlite", "");
  EXPECT_EQ(store_problem(empty, StoreUse::kRead), "an empty file, not a tunebench store");
  EXPECT_EQ(store_problem(empty, StoreUse::kWrite), "");
  EXPECT_EQ(store_problem(dir_.path(), StoreUse::kRead), "not a file");
}

TEST_F(StoreFile, AStoreThatCannotBeCreatedIsNamedBeforeAnythingIsMade) {
  const fs::path file = write("notes.txt", "my notes");
  EXPECT_EQ(store_problem(file / "out" / "tunebench.sqlite", StoreUse::kWrite),
            "cannot be created: " + fs::absolute(file).string() + " is not a folder");
  EXPECT_EQ(store_problem(dir_.path() / "new" / "out" / "tunebench.sqlite", StoreUse::kWrite), "");
  EXPECT_FALSE(fs::exists(dir_.path() / "new"));
}

TEST_F(StoreFile, DamagedFilesAreNamedForWhatIsWrong) {
  const std::string whole = read_file(make_store());
  ASSERT_GT(whole.size(), 8192u);
  EXPECT_NE(store_problem(write("half.sqlite", whole.substr(0, whole.size() / 2)), StoreUse::kRead)
                .find("truncated ("),
            std::string::npos);
  EXPECT_NE(
      store_problem(write("head.sqlite", whole.substr(0, 50)), StoreUse::kRead).find("truncated ("),
      std::string::npos);
  EXPECT_EQ(store_problem(write("text.sqlite", std::string(200, 'x')), StoreUse::kWrite),
            "not an SQLite database, so not a tunebench store");
  std::string scribbled = whole;
  scribbled[100] = '\xff';  // the type of the schema's b-tree page
  EXPECT_NE(
      store_problem(write("corrupt.sqlite", scribbled), StoreUse::kRead).find("corrupt (SQLite:"),
      std::string::npos);
}

TEST_F(StoreFile, AnotherProgramsDatabaseIsRefusedAndLeftAsItWas) {
  const fs::path foreign = dir_.path() / "foreign.sqlite";
  {
    Database db(foreign, /*read_only=*/false);
    db.exec("PRAGMA journal_mode=DELETE; CREATE TABLE runs (x); CREATE TABLE notes (text)");
  }
  const std::string before = read_file(foreign);
  EXPECT_EQ(
      store_problem(foreign, StoreUse::kRead),
      "an SQLite database without tunebench's tables evals, sweeps (its tables: notes, runs), so "
      "not a tunebench store; give the output folder of a sweep");
  EXPECT_THROW(Store(foreign, StoreUse::kWrite), UserError);
  EXPECT_THROW(Store(foreign, StoreUse::kRead), UserError);
  EXPECT_TRUE(read_file(foreign) == before);  // not switched to WAL, no tables added
  EXPECT_FALSE(fs::exists(foreign.string() + "-wal"));
}

}  // namespace
}  // namespace tb
