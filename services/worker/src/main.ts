import { runMain } from '@maas/grpc-kit';
import { runService } from '@maas/runtime';
import { workerService } from './service';

runMain(() => runService(workerService));
