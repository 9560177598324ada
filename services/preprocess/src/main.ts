import { runMain } from '@maas/grpc-kit';
import { runService } from '@maas/runtime';
import { preprocessService } from './service';

runMain(() => runService(preprocessService));
