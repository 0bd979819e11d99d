#pragma once
// The offsets API of the worker (GET/PATCH/DELETE /connectors/{name}/offsets), as Kafka's Worker does it:
//   - source connectors: the offset store; alter and reset first go through the connector's alter_offsets()
//     (it may refuse with its own error), then write the offsets (reset: tombstones for every partition);
//   - sink connectors: the committed offsets of the connector's consumer group, as
//     {"kafka_topic","kafka_partition"} -> {"kafka_offset"}; alter commits them with the admin client, reset
//     deletes the group.
// On the dev broker (librdkafka's mock cluster) a group's offsets cannot be deleted: it has no DeleteGroups or
// OffsetDelete; listing a group's offsets needs the partitions named; and once a group had members it
// accepts commits only from a member. There, listing asks for the partitions of the connector's topics,
// altering joins the stopped connector's group briefly and commits as its member, and resetting (or
// altering to null) commits each partition's earliest offset, which the sink's consumer
// (auto.offset.reset=earliest) treats like no offset; the offsets API then shows these offsets, not none.
//
// Called on the herder's threads; blocks up to the REST request timeout (90 s). Thread-safe.

#include <string>
#include <vector>

#include "core/worker/worker.hpp"
#include "core/worker/worker_task.hpp"

namespace sluice::worker {

// Kafka's messages for a successful alter / reset: `handled` is what the connector's alter_offsets returned.
std::string offsets_modified_message(bool handled, bool reset);

std::vector<SourceOffset> read_connector_offsets(WorkerContext& ctx, const std::string& name,
                                                 const StringMap& connector_config);
std::string alter_connector_offsets(WorkerContext& ctx, const std::string& name, const StringMap& connector_config,
                                    const std::vector<SourceOffset>& offsets);
std::string reset_connector_offsets(WorkerContext& ctx, const std::string& name, const StringMap& connector_config);

}  // namespace sluice::worker
