import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../domain/constants';

export const VILLAGE_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.village.name, SearchAttributeType.KEYWORD);
export const TOWNSHIP_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.township.name, SearchAttributeType.KEYWORD);
export const STAGE_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.stage.name, SearchAttributeType.KEYWORD);
export const CAMPAIGN_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.campaign.name, SearchAttributeType.KEYWORD);
export const EXIT_LEVEL_KEY = defineSearchAttributeKey(SEARCH_ATTRIBUTES.exitLevel.name, SearchAttributeType.KEYWORD);
