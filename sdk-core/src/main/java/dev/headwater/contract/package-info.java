/**
 * Data contracts: {@link dev.headwater.contract.DataContract} (loaded from YAML, built in code or read from a registry in
 * the format of Confluent's data contracts), its rule engine {@link dev.headwater.contract.ContractValidator}, and the
 * evolution report between two versions ({@link dev.headwater.contract.ContractEvolution}).
 */
package dev.headwater.contract;
