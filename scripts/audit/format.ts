/** The readable reports the CLI prints (the JSON form is the report objects as they are). */
import type { AuditReport } from "./checker";
import type { ReceiptReport } from "./receipt";

export function formatAudit(r: AuditReport): string {
  const lines = [
    `Poll ${r.pollId} — ${r.state}, read at block ${r.block}: ${r.ok ? "OK" : "MISMATCH"}`,
    `  ${r.ballots} ${r.ballots === 1 ? "ballot" : "ballots"} from ${r.voters} ${r.voters === 1 ? "resident" : "residents"}`,
  ];
  r.questions.forEach((q, i) =>
    lines.push(`  question ${i + 1}: ${q.options.map((v, o) => `option ${o + 1}: ${v}`).join(", ")}`),
  );
  lines.push(`  rebuilt root   ${r.root}`);
  lines.push(`  contract root  ${r.onChainRoot}${r.root === r.onChainRoot ? "  (equal)" : "  (DIFFERENT)"}`);
  if (r.finalRoot)
    lines.push(`  final root     ${r.finalRoot}${r.root === r.finalRoot ? "  (equal)" : "  (DIFFERENT)"}`);
  if (r.secret) {
    const c = r.secret.census;
    const same = c.root.toLowerCase() === c.onChainRoot.toLowerCase();
    lines.push(
      `  secret poll: census of ${c.eligible} residents by ${c.areaKind} at block ${c.snapshotBlock}, rebuilt from the registry`,
      `  census root    ${c.root}${same ? "  (equal to the poll's)" : `  (the poll committed ${c.onChainRoot})`}`,
      `  ${r.secret.proofsChecked} membership proofs checked again through the verifier`,
    );
    for (const a of r.secret.areas) {
      lines.push(`  area ${a.area}: ${a.voters} of ${a.eligible} eligible voted; tallies ${a.tallies.join("/")}`);
    }
  }
  if (!r.ok) {
    lines.push("  findings:");
    for (const f of r.findings) lines.push(`    ${f.code}: ${f.message}`);
    for (const [code, count] of Object.entries(r.findingCounts)) {
      const shown = r.findings.filter((f) => f.code === code).length;
      if (count > shown) lines.push(`    … ${count - shown} more ${code}`);
    }
  }
  return lines.join("\n");
}

export function formatReceipt(r: ReceiptReport): string {
  const lines = [
    `Receipt for poll ${r.receipt.pollId}, leaf ${r.receipt.leafIndex} (tx ${r.receipt.txHash}): ${r.ok ? "VERIFIED" : "NOT VERIFIED"}`,
    `  leaf           ${r.receipt.leaf}`,
  ];
  if (r.proof) lines.push(`  proof          ${r.proof.siblings.length} siblings over ${r.proof.ballots} ballots`);
  if (r.onChainRoot) lines.push(`  contract root  ${r.onChainRoot} (block ${r.block}, ${r.state})`);
  if (r.finalRoot) lines.push(`  final root     ${r.finalRoot}`);
  for (const p of r.problems) lines.push(`  ${p.code}: ${p.message}`);
  return lines.join("\n");
}
