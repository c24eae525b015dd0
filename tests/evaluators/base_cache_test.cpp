#include "evaluators/base_cache.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "harness/common/files.h"
#include "harness/model/model_io.h"
#include "tests/test_util.h"

namespace tb {
namespace {

const nlohmann::json kKey = {{"suite", "s"}, {"items", "abc"}};

// fetch() with a compute that counts its calls.
struct Counted {
  int calls = 0;
  std::string fetch(const BaseCache& cache, const nlohmann::json& key, const std::string& value) {
    return cache.fetch(key, [&] {
      ++calls;
      return value;
    });
  }
};

TEST(BaseCache, ComputesOnceThenEveryLaterCacheOnTheFolderReadsTheEntry) {
  testing::ScratchDir dir("base-cache");
  Counted counted;
  const std::string payload("binary\0\xff payload", 17);
  EXPECT_EQ(counted.fetch(BaseCache(dir.path(), {{"model", "m"}}), kKey, payload), payload);
  EXPECT_EQ(counted.fetch(BaseCache(dir.path(), {{"model", "m"}}), kKey, "other"), payload);
  EXPECT_EQ(counted.calls, 1);
  EXPECT_TRUE(std::filesystem::exists(BaseCache(dir.path(), {{"model", "m"}}).entry_path(kKey)));
}

TEST(BaseCache, AnotherIdentityOrKeyMisses) {
  testing::ScratchDir dir("base-cache");
  Counted counted;
  const BaseCache cache(dir.path(), {{"model", "m"}});
  counted.fetch(cache, kKey, "first");
  EXPECT_EQ(counted.fetch(BaseCache(dir.path(), {{"model", "n"}}), kKey, "n"), "n");
  EXPECT_EQ(counted.fetch(cache, {{"suite", "s"}, {"items", "abd"}}, "abd"), "abd");
  EXPECT_EQ(counted.calls, 3);
  EXPECT_EQ(counted.fetch(cache, kKey, "again"), "first");
}

TEST(BaseCache, ACorruptTruncatedOrForeignEntryIsRecomputedAndRewritten) {
  testing::ScratchDir dir("base-cache");
  const BaseCache cache(dir.path(), {{"model", "m"}});
  const auto path = cache.entry_path(kKey);
  Counted counted;
  counted.fetch(cache, kKey, "the payload");
  const std::string good = read_file(path);
  std::string flipped = good;
  flipped.back() = 'X';
  const BaseCache other(dir.path(), {{"model", "other"}});
  other.fetch(kKey, [] { return std::string("the payload"); });
  const std::string foreign = read_file(other.entry_path(kKey));  // another key's entry
  for (const std::string& bad :
       {flipped, good.substr(0, good.size() - 3), good.substr(0, 20), std::string(), foreign}) {
    write_file_atomically(path, bad);
    EXPECT_EQ(counted.fetch(cache, kKey, "the payload"), "the payload");
    EXPECT_EQ(read_file(path), good) << "rewritten";
  }
  EXPECT_EQ(counted.calls, 1 + 5);
}

TEST(BaseCache, TheWriterOfAnEntryRemovesWhatAKilledWriterOfItLeft) {
  testing::ScratchDir dir("base-cache");
  const BaseCache cache(dir.path(), {{"model", "m"}});
  const auto entry = cache.entry_path(kKey);
  std::filesystem::create_directories(dir.path());
  const auto left = entry.string() + ".tmp.99999";
  const auto unrelated = (dir.path() / "notes.tmp.1").string();
  std::ofstream(left) << "half an entry";
  std::ofstream(unrelated) << "not the cache's";
  Counted counted;
  counted.fetch(cache, kKey, "v");
  EXPECT_FALSE(std::filesystem::exists(left));
  EXPECT_TRUE(std::filesystem::exists(unrelated));
  EXPECT_EQ(read_file(unrelated), "not the cache's");
}

TEST(BaseCache, ConcurrentFetchersOfOneEntryComputeItOnce) {
  testing::ScratchDir dir("base-cache");
  Counted first, second;
  std::future<std::string> waiter;
  const std::string got = BaseCache(dir.path(), {}).fetch(kKey, [&] {
    ++first.calls;
    // Another fetcher starts while this one computes: it must wait for the entry, not
    // compute it again (without the lock it would finish meanwhile).
    waiter = std::async(std::launch::async,
                        [&] { return second.fetch(BaseCache(dir.path(), {}), kKey, "second"); });
    waiter.wait_for(std::chrono::milliseconds(300));
    return std::string("first");
  });
  EXPECT_EQ(got, "first");
  EXPECT_EQ(waiter.get(), "first");
  EXPECT_EQ(first.calls + second.calls, 1);
}

TEST(BaseCache, AnUnwritableFolderComputesWithoutCaching) {
  testing::ScratchDir dir("base-cache");
  std::ofstream(dir.path() / "file") << "not a folder";
  Counted counted;
  const BaseCache cache(dir.path() / "file" / "cache", {});
  EXPECT_EQ(counted.fetch(cache, kKey, "a"), "a");
  EXPECT_EQ(counted.fetch(cache, kKey, "b"), "b");
  EXPECT_EQ(counted.calls, 2);
}

TEST(BaseCache, BesideTheModelFileAndKeyedByItsContents) {
  testing::ScratchDir dir("base-cache");
  torch::manual_seed(0);
  LlamaForCausalLM model(testing::tiny_config());
  const auto file = dir.path() / "key" / "model.safetensors";
  std::filesystem::create_directories(file.parent_path());
  save_model(model, file);
  Counted counted;
  counted.fetch(base_cache_beside(file, model), kKey, "v");
  EXPECT_EQ(base_cache_beside(file, model).entry_path(kKey).parent_path(),
            dir.path() / "key" / "eval_cache");
  counted.fetch(base_cache_beside(file, model), kKey, "v");
  EXPECT_EQ(counted.calls, 1);
  {
    torch::NoGradGuard no_grad;
    model->lm_head->weight.add_(1.0);
  }
  save_model(model, file);  // the same folder, other weights (pretrained again)
  EXPECT_EQ(counted.fetch(base_cache_beside(file, model), kKey, "w"), "w");
  EXPECT_EQ(counted.calls, 2);
}

}  // namespace
}  // namespace tb
