import { Controller, Get, Post } from '@nestjs/common';
import { MetadataScanner, Reflector } from '@nestjs/core';
import { actorOf, canSee, type Principal } from './principal';
import { routesWithoutPolicy } from './route-policies.check';
import { Allow, Public, ROUTE_POLICY } from './route-policy';

@Controller('things')
class Declared {
  @Get()
  @Allow('company', 'underwriting')
  list(): string[] {
    return [];
  }

  @Post()
  @Allow('operations')
  create(): string {
    return 'made';
  }

  /** Not a route: needs no policy. */
  helper(): number {
    return 1;
  }
}

@Public('probes')
@Controller('health')
class PublicByClass {
  @Get('live')
  live(): string {
    return 'ok';
  }
}

@Controller('forgotten')
class Undeclared {
  @Get()
  open(): string {
    return 'anyone?';
  }

  @Get('closed')
  @Allow('admin')
  closed(): string {
    return 'admin';
  }
}

const check = (...controllers: (new () => unknown)[]) =>
  routesWithoutPolicy(new Reflector(), new MetadataScanner(), controllers);

describe('route policies', () => {
  it('every route declared (on the method or its controller): nothing missing', () => {
    expect(check(Declared, PublicByClass)).toEqual([]);
  });

  it('a route without a policy is named as Class.method', () => {
    expect(check(Declared, Undeclared)).toEqual(['Undeclared.open']);
  });

  it('admin may call every route that has a policy', () => {
    const policy: unknown = Reflect.getMetadata(ROUTE_POLICY, Declared.prototype.create);
    expect(policy).toEqual({ kind: 'roles', roles: ['operations', 'admin'] });
  });
});

describe('principals', () => {
  const company: Principal = { id: 'key_a', kind: 'api_key', role: 'company', companyId: 'acme' };
  const ops: Principal = { id: 'alice', kind: 'jwt', role: 'operations', companyId: null };

  it('a company sees its own company only; the fund roles see every company', () => {
    expect(canSee(company, 'acme')).toBe(true);
    expect(canSee(company, 'beta')).toBe(false);
    expect(canSee(ops, 'beta')).toBe(true);
  });

  it('the actor names the credential and the role', () => {
    expect(actorOf(company)).toBe('key:key_a:company');
    expect(actorOf(ops)).toBe('jwt:alice:operations');
  });
});
