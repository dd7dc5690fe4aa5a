// Validates Backstage catalog entities (a JSON array, file given as the first argument) with Backstage's own
// validator, @backstage/catalog-model: the entity policies the catalog applies when it reads a location (default
// namespace, no foreign root fields, field formats, the entity envelope schema) and each kind's schema. Prints one
// line per problem and exits 1 when there is any.
const fs = require('fs');
const model = require('@backstage/catalog-model');

const policy = model.EntityPolicies.allOf([
  new model.DefaultNamespaceEntityPolicy(),
  new model.NoForeignRootFieldsEntityPolicy(),
  new model.FieldFormatEntityPolicy(),
  new model.SchemaValidEntityPolicy(),
]);
const kinds = [
  model.apiEntityV1alpha1Validator,
  model.componentEntityV1alpha1Validator,
  model.domainEntityV1alpha1Validator,
  model.groupEntityV1alpha1Validator,
  model.resourceEntityV1alpha1Validator,
  model.systemEntityV1alpha1Validator,
];

async function main() {
  const entities = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const problems = [];
  for (const entity of entities) {
    const name = `${entity.kind}:${entity.metadata && entity.metadata.name}`;
    try {
      const enforced = await policy.enforce(entity);
      let known = false;
      for (const kind of kinds) {
        if (await kind.check(enforced)) {
          known = true;
        }
      }
      if (!known) {
        problems.push(`${name}: no validator knows kind ${entity.kind}`);
      }
    } catch (e) {
      problems.push(`${name}: ${e.message}`);
    }
  }
  problems.forEach(p => console.log(p));
  console.log(`validated ${entities.length} entities, ${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}

main().catch(e => { console.log(`validator failed: ${e.stack}`); process.exit(2); });
