// The "rabbitmq" plugin: a RabbitMQ source connector that answers to Confluent's and jcustenborder's class
// names, so existing connector configs work unchanged.

#include "rabbitmq_source.hpp"
#include "sluice/sdk/plugin.hpp"

SLUICE_PLUGIN("rabbitmq", "1.0.0",
              sluice::sdk::source_connector<sluice::rabbitmq::RabbitMqSourceConnector,
                                            sluice::rabbitmq::RabbitMqSourceTask>(
                  "io.sluice.connect.rabbitmq.RabbitMQSourceConnector",
                  {"RabbitMQSourceConnector", "RabbitMQSource",
                   "io.confluent.connect.rabbitmq.RabbitMQSourceConnector",
                   "com.github.jcustenborder.kafka.connect.rabbitmq.RabbitMQSourceConnector",
                   "com.github.jcustenborder.kafka.connect.rabbitmq.source.RabbitMQSourceConnector",
                   "com.github.themeetgroup.kafka.connect.rabbitmq.source.RabbitMQSourceConnector"},
                  {.documentation = "Reads messages from RabbitMQ queues into a Kafka topic and acknowledges "
                                    "each message only after Kafka has its record."}))
