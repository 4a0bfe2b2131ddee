package io.verdant.jobs.plan;

import java.util.Map;

/**
 * What a plan knows of the job it schedules, from that job's own command line.
 *
 * @param job the subcommand (train, ingest, ...), or null when the plan names no job
 * @param runId the job's --run-id, or null
 * @param model the job's --model, or null
 * @param dataset the dataset it reads: the name in the manifest at --data, else --data, else
 *     --dataset; or null
 * @param epochs the job's --epochs, or null
 * @param ledgerRoot where the ledger is
 * @param recordInLedger false under the job's --no-ledger
 * @param pue the job's --pue
 * @param options every option of the job with its effective value
 */
public record JobSpec(
    String job,
    String runId,
    String model,
    String dataset,
    Integer epochs,
    String ledgerRoot,
    boolean recordInLedger,
    double pue,
    Map<String, String> options) {}
