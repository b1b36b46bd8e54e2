// The campaign and township workflows' messages, apart from their bodies (imported by the API and activities).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CampaignCancel, CampaignProgressState, TownshipDone } from '../domain/campaign';

export type { CampaignCancel, CampaignProgressState, TownshipDone };

/** Answers once the campaign is recorded in the database. */
export const campaignOpenedUpdate = defineUpdate<{ campaignId: string }, []>('campaignOpened');
export const cancelCampaignUpdate = defineUpdate<{ campaignId: string; status: string }, [CampaignCancel]>(
  'cancelCampaign',
);
/** A township workflow reports to its campaign when all its rounds have closed. */
export const townshipDoneSignal = defineSignal<[TownshipDone]>('townshipDone');
/** The campaign's cancellation, passed on to a township workflow (which cancels its rounds). */
export const cancelTownshipSignal = defineSignal<[CampaignCancel]>('cancelTownship');
export const campaignStateQuery = defineQuery<CampaignProgressState>('campaignState');

// A campaign refuses with the round's failure types (CLOSED, NOT_ALLOWED).
export { RoundError as CampaignError } from './round-contract';
