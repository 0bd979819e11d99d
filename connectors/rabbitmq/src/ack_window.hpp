#pragma once
// AckWindow: which delivery tags of one channel may be acknowledged. Tags on a channel are 1, 2, 3, ... in
// delivery order; each becomes one record, and Kafka (through commit_record) completes them in any order.
// prefix() is the highest tag T such that every tag <= T is complete: one basic.ack(T, multiple=true)
// acknowledges exactly the records Kafka has. Not thread-safe (the task guards it with its mutex).

#include <cstdint>
#include <deque>

namespace sluice::rabbitmq {

class AckWindow {
 public:
  // A tag further than this beyond the prefix is not a tag this channel delivered.
  static constexpr std::uint64_t kMaxSpan = 16u * 1024u * 1024u;

  enum class Result { Advanced, Pending, Duplicate, OutOfRange };

  // Marks `tag` complete. Advanced: prefix() moved; Pending: recorded, waiting for an earlier tag;
  // Duplicate: already complete; OutOfRange: tag 0 or absurdly far ahead (ignored).
  Result complete(std::uint64_t tag) {
    if (tag == 0) return Result::OutOfRange;
    if (tag <= prefix_) return Result::Duplicate;
    if (tag - prefix_ > kMaxSpan) return Result::OutOfRange;
    const std::uint64_t index = tag - prefix_ - 1;
    if (done_.size() <= index) done_.resize(index + 1, false);
    if (done_[index]) return Result::Duplicate;
    done_[index] = true;
    if (index != 0) return Result::Pending;
    while (!done_.empty() && done_.front()) {
      done_.pop_front();
      ++prefix_;
    }
    return Result::Advanced;
  }

  std::uint64_t prefix() const { return prefix_; }
  // Completed tags above the prefix (waiting for a gap to close).
  std::size_t pending() const {
    std::size_t n = 0;
    for (bool d : done_) n += d ? 1 : 0;
    return n;
  }

 private:
  std::uint64_t prefix_ = 0;
  std::deque<bool> done_;  // done_[i]: tag prefix_ + 1 + i is complete
};

}  // namespace sluice::rabbitmq
