import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import {
  Allow,
  ApiKeys,
  type ApiKeyInfo,
  type CreatedApiKey,
  ROLES,
  type Role,
  ApiOperationIds,
} from '@cvf/platform';

export class CreateApiKeyDto {
  @ApiProperty({ enum: ROLES, example: 'company' })
  @IsString()
  role!: string;

  @ApiPropertyOptional({
    description: 'required for role company, refused for the others',
    example: 'acme',
  })
  @IsOptional()
  @IsString()
  company_id?: string;

  @ApiPropertyOptional({
    description: 'what the key is for, 1–200 characters',
    example: 'acme billing export',
  })
  @IsOptional()
  @IsString()
  name?: string;
}

export class ApiKeyDto implements ApiKeyInfo {
  @ApiProperty({ example: 'key_3kTMd8rQx0aB' }) id!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ nullable: true, type: String }) company_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty({ nullable: true, type: String }) last_used_at!: string | null;
  @ApiProperty({ nullable: true, type: String }) revoked_at!: string | null;
}

export class CreatedApiKeyDto implements CreatedApiKey {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'shown this once; only its hash is stored', example: 'cvfk_…' })
  key!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ nullable: true, type: String }) company_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty() created_at!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto] }) api_keys!: ApiKeyDto[];
}

/**
 * API keys, for admins only. A key is a random 256-bit secret shown once at creation and
 * stored as its sha256; a revoked key stops verifying in every process within a second.
 */
@ApiTags('api keys')
@ApiOperationIds({ create: 'createApiKey', list: 'listApiKeys', revoke: 'revokeApiKey' })
@Controller('api-keys')
@Allow()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  @HttpCode(201)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Create an API key for a role (a company key is bound to its company)' })
  @ApiResponse({ status: 201, type: CreatedApiKeyDto })
  create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKey> {
    return this.keys.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'Every API key with its last use (never the key itself)' })
  @ApiResponse({ status: 200, type: ApiKeyListDto })
  async list(): Promise<{ api_keys: ApiKeyInfo[] }> {
    return { api_keys: await this.keys.list() };
  }

  @Delete(':keyId')
  @ApiOperation({ summary: 'Revoke an API key at once' })
  @ApiResponse({ status: 200, type: ApiKeyDto })
  revoke(@Param('keyId') keyId: string): Promise<ApiKeyInfo> {
    return this.keys.revoke(keyId);
  }
}
