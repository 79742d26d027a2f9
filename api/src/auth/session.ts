/** A signed-in resident's session, as the auth service answers it and routes receive it. */
export interface ResidentSession {
  residentId: string;
  token: string;
  expiresAt: number;
}
