import { boolean, string } from '@maas/config';
import { KEYS_FILE_FORM } from './keys-file';

/** The auth settings of every service that checks keys (gateway, registry): read the same way everywhere. */
export const authSettings = {
  authEnabled: boolean(false, 'require API keys (on by default in the Helm chart)'),
  authKeysFile: string('', `JSON file of API keys, re-read when it changes: ${KEYS_FILE_FORM}`),
};
