/**
 * The governed producer: {@link dev.headwater.producer.GovernedProducer} and the
 * {@link dev.headwater.producer.SendResult} of each record.
 */
package dev.headwater.producer;
