/**
 * The governed consumer: {@link dev.headwater.consumer.GovernedConsumer} runs the poll loop and hands each
 * {@link dev.headwater.consumer.GovernedRecord} to the application's {@link dev.headwater.consumer.RecordHandler}.
 */
package dev.headwater.consumer;
