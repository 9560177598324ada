import { runMain } from '@maas/grpc-kit';
import { runService } from '@maas/runtime';
import { registryService } from './service';

runMain(() => runService(registryService));
