-- AlterTable
ALTER TABLE "Village" ADD COLUMN     "population" INTEGER;
