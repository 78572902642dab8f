/** The `credentials` slot: the outgoing header set, with the real key in it, filled by `credentials()`. */
export interface CredentialsState {
  /** Lower-case header names. Contains no inbound credential of any kind. */
  readonly headers: Readonly<Record<string, string>>;
  /** Which provider key was used (never the key itself), for the audit record. */
  readonly keyId: string | undefined;
}
