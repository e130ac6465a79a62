import { Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomBytes } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { CompanyStreams } from '../commands/company-streams';
import { type WriteResult } from '../commands/stream-writer';
import { WriteResultDto } from '../companies/company.dto';
import { companyWrite, Write, type WriteRequest } from '../http/write-context';
import { NotReplayed } from '../idempotency/idempotent-requests';
import { WebhookSecrets, type WebhookSecretInfo } from './webhook-tables';
import { Allow, ApiOperationIds } from '@cvf/platform';

export class WebhookSecretDto implements WebhookSecretInfo {
  @ApiProperty({ example: 'whs_3kTMd8rQx0aB' }) secret_id!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty({ nullable: true, type: String }) revoked_at!: string | null;
}

export class CreatedWebhookSecretDto extends WriteResultDto {
  @ApiProperty() secret_id!: string;
  @ApiProperty({
    description:
      'shown this once: configure it as the endpoint’s signing secret. null when the answer ' +
      'is an Idempotency-Key replay (it is not kept for replays): revoke that secret and ' +
      'create another if the first answer was lost',
    nullable: true,
    type: String,
  })
  secret!: string | null;
  @ApiProperty() created_at!: string;
}

export class RevokedWebhookSecretDto extends WriteResultDto {
  @ApiProperty() secret_id!: string;
  @ApiProperty({ nullable: true, type: String }) revoked_at!: string | null;
}

type CreatedSecret = WriteResult & { secret_id: string; secret: string; created_at: string };

/**
 * Signing secrets for a company's webhooks. Rotation: create a new secret, configure it at
 * the sender, then revoke the old one; until then both verify. The log records that a secret
 * was added or revoked (by id), never the secret.
 */
@ApiTags('webhooks')
@ApiOperationIds({
  create: 'createWebhookSecret',
  list: 'listWebhookSecrets',
  revoke: 'revokeWebhookSecret',
})
@Controller('companies/:companyId/webhook-secrets')
export class WebhookSecretsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyStreams,
    private readonly secrets: WebhookSecrets,
  ) {}

  @Post()
  @Allow('company')
  @HttpCode(201)
  @Header('cache-control', 'no-store')
  @NotReplayed('secret')
  @ApiOperation({
    summary:
      'Create a webhook signing secret (shown once); the older ones stay valid until revoked',
  })
  @ApiResponse({ status: 201, type: CreatedWebhookSecretDto })
  @ApiResponse({ status: 404, description: 'unknown company' })
  async create(
    @Param('companyId') companyId: string,
    @Write() write: WriteRequest,
  ): Promise<CreatedSecret> {
    const secretId = `whs_${randomBytes(9).toString('base64url')}`;
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    // The log first: a secret that verifies must never be missing from the audit trail (the
    // reverse failure, an id in the log without a secret, verifies nothing).
    const result = await this.commands.execute(
      companyWrite(companyId, { type: 'AddWebhookSecret', data: { secret_id: secretId } }, write),
    );
    const stored = await this.secrets.add(companyId, secretId, secret);
    return { secret_id: secretId, secret, created_at: stored.created_at, ...result };
  }

  @Get()
  @Allow('company')
  @ApiOperation({ summary: 'List the signing secrets (ids and times, never the secrets)' })
  @ApiResponse({ status: 200, type: [WebhookSecretDto] })
  @ApiResponse({ status: 404, description: 'unknown company' })
  async list(@Param('companyId') companyId: string): Promise<WebhookSecretInfo[]> {
    await this.companies.requireCompany(companyId);
    return this.secrets.list(companyId);
  }

  @Delete(':secretId')
  @Allow('company')
  @ApiOperation({ summary: 'Revoke a signing secret (ends a rotation); 404 if unknown or revoked' })
  @ApiResponse({ status: 200, type: RevokedWebhookSecretDto })
  async revoke(
    @Param('companyId') companyId: string,
    @Param('secretId') secretId: string,
    @Write() write: WriteRequest,
  ): Promise<WriteResult & { secret_id: string; revoked_at: string | null }> {
    // Stop verifying first: a revocation that is in the log must already be in force.
    const revokedAt = await this.secrets.revoke(companyId, secretId);
    const result = await this.commands.execute(
      companyWrite(
        companyId,
        { type: 'RevokeWebhookSecret', data: { secret_id: secretId } },
        write,
      ),
    );
    return { secret_id: secretId, revoked_at: revokedAt, ...result };
  }
}
