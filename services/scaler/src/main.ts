import { runMain } from '@maas/grpc-kit';
import { runService } from '@maas/runtime';
import { scalerService } from './service';

runMain(() => runService(scalerService));
