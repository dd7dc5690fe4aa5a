/**
 * Data contracts: {@link dev.headwater.contract.DataContract} (loaded from YAML, built in code or read from a registry in
 * the format of Confluent's data contracts) and its rule engine {@link dev.headwater.contract.ContractValidator}. The
 * evolution report between two versions is the delivery tooling's ({@code dev.headwater.pipeline.ContractEvolution} in
 * headwater-pipeline).
 */
package dev.headwater.contract;
