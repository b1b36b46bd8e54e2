// What every page component receives: the parameters of its route pattern (`/rounds/:roundId` → roundId).
export interface PageProps {
  params: Record<string, string>;
}
